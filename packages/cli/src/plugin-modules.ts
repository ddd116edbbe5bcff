import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GoalLeaseError, type PluginDefinition } from "@goal-lease/sdk";

/**
 * Loads `--plugin` modules: a path (from the current folder) or a package name the current folder can
 * resolve. Each must export a plugin (an object with an `id` and a `register` function, as `definePlugin`
 * makes it) as its default export or as `plugin`.
 */
export async function loadPluginModules(specs: readonly string[], cwd: string): Promise<PluginDefinition[]> {
  const resolveFrom = createRequire(join(cwd, "goal-lease-plugins.js"));
  const plugins: PluginDefinition[] = [];
  for (const spec of specs) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(resolveFrom.resolve(spec)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new GoalLeaseError({
        code: "plugin_module",
        message: `--plugin ${spec}: cannot load it (${(error as Error).message.split("\n")[0]}); pass a path or an installed package name.`,
      });
    }
    const plugin = [module.default, module.plugin].find(isPlugin);
    if (!plugin) {
      throw new GoalLeaseError({
        code: "plugin_module",
        message: `--plugin ${spec}: exports no goal-lease plugin; export one made with definePlugin({ id, register }) as the default export.`,
      });
    }
    plugins.push(plugin);
  }
  return plugins;
}

function isPlugin(value: unknown): value is PluginDefinition {
  const candidate = value as Partial<PluginDefinition> | null;
  return typeof candidate?.id === "string" && typeof candidate.register === "function";
}
