import { z } from "zod";
import { PluginDefinitionError } from "../../errors.js";
import type { ModelToolSchema } from "../../model.js";
import type {
  CommandDefinition,
  ControlDefinition,
  PluginApi,
  PluginDefinition,
  PluginHooks,
  ToolDefinition,
} from "../../plugin.js";

const pluginIdPattern = /^[a-z][a-z0-9-]{0,63}$/;
const commandNamePattern = /^[a-z][a-z0-9_-]{0,31}$/;
const toolNamePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const hookNames: ReadonlySet<string> = new Set<keyof PluginHooks>([
  "lease-admission",
  "session-ready",
  "turn-start",
  "turn-end",
  "user-message",
  "session-reset",
  "prompt-context",
  "lease-interrupted",
]);

/** A tool after registration: its strict schema and the JSON Schema the model is sent. */
export interface RegisteredTool {
  pluginId: string;
  definition: ToolDefinition;
  schema: z.ZodObject;
  modelSchema: ModelToolSchema;
}

/** A registered control and the plugin it belongs to. */
export interface RegisteredControl {
  pluginId: string;
  definition: ControlDefinition;
}

/** A registered command and the plugin it belongs to. */
export interface RegisteredCommand {
  pluginId: string;
  definition: CommandDefinition;
}

type HookEntry<Name extends keyof PluginHooks> = { pluginId: string; handler: PluginHooks[Name] };

interface Registration {
  commands: RegisteredCommand[];
  controls: RegisteredControl[];
  tools: RegisteredTool[];
  hooks: { name: keyof PluginHooks; handler: PluginHooks[keyof PluginHooks] }[];
}

/** The API surface a plugin registers through; the host supplies the rest of {@link PluginApi}. */
export type PluginRuntimeApi = Omit<PluginApi, "registerCommand" | "registerControl" | "registerTool" | "on">;

/** Loaded plugins and what they registered. Registration checks throw {@link PluginDefinitionError}. */
export class PluginRegistry {
  /** Each loaded plugin's load number: contexts and APIs of an earlier load of the same id are stale. */
  readonly #loaded = new Map<string, number>();
  #loads = 0;
  readonly #commands = new Map<string, RegisteredCommand>();
  /** By plugin id, then control name. */
  readonly #controls = new Map<string, Map<string, RegisteredControl>>();
  readonly #tools = new Map<string, RegisteredTool>();
  readonly #hooks = new Map<keyof PluginHooks, HookEntry<keyof PluginHooks>[]>();

  /** Runs the plugin's `register` and commits what it declared only if every check passes. */
  async load(
    plugin: PluginDefinition,
    runtime: (pluginId: string, load: number) => PluginRuntimeApi,
  ): Promise<void> {
    const pluginId = plugin.id;
    if (typeof pluginId !== "string" || !pluginIdPattern.test(pluginId)) {
      throw new PluginDefinitionError({
        pluginId: String(pluginId),
        problem: `id must match ${pluginIdPattern} (lower-case letters, digits and "-")`,
      });
    }
    if (this.#loaded.has(pluginId)) {
      throw new PluginDefinitionError({ pluginId, problem: "a plugin with this id is already loaded" });
    }
    const registration: Registration = { commands: [], controls: [], tools: [], hooks: [] };
    const load = ++this.#loads;
    let open = true;
    const fail = (problem: string): never => {
      throw new PluginDefinitionError({ pluginId, problem });
    };
    const ensureOpen = () => {
      if (!open) fail("register commands, tools and hooks inside register(), not later");
    };
    const api: PluginApi = {
      ...runtime(pluginId, load),
      registerCommand: (command) => {
        ensureOpen();
        registration.commands.push({ pluginId, definition: checkCommand(command, fail) });
      },
      registerControl: (control) => {
        ensureOpen();
        registration.controls.push({ pluginId, definition: checkControl(control, fail) });
      },
      registerTool: (tool) => {
        ensureOpen();
        registration.tools.push(checkTool(pluginId, tool, fail));
      },
      on: (name, handler) => {
        ensureOpen();
        if (!hookNames.has(name)) fail(`unknown hook "${name}"; hooks are ${[...hookNames].join(", ")}`);
        if (typeof handler !== "function") fail(`hook "${name}" needs a function`);
        registration.hooks.push({ name, handler });
      },
    };
    try {
      await plugin.register(api);
    } finally {
      open = false;
    }
    this.#commit(pluginId, load, registration, fail);
  }

  unload(pluginId: string): boolean {
    if (!this.#loaded.delete(pluginId)) return false;
    for (const [name, command] of this.#commands)
      if (command.pluginId === pluginId) this.#commands.delete(name);
    for (const [name, tool] of this.#tools) if (tool.pluginId === pluginId) this.#tools.delete(name);
    this.#controls.delete(pluginId);
    for (const [name, entries] of this.#hooks) {
      this.#hooks.set(
        name,
        entries.filter((entry) => entry.pluginId !== pluginId),
      );
    }
    return true;
  }

  isLoaded(pluginId: string): boolean {
    return this.#loaded.has(pluginId);
  }

  /** The load number of the plugin as it is loaded now; undefined once it is unloaded. */
  loadOf(pluginId: string): number | undefined {
    return this.#loaded.get(pluginId);
  }

  command(name: string): RegisteredCommand | undefined {
    return this.#commands.get(name);
  }

  control(pluginId: string, name: string): RegisteredControl | undefined {
    return this.#controls.get(pluginId)?.get(name);
  }

  commandNames(): string[] {
    return [...this.#commands.keys()].sort();
  }

  tool(name: string): RegisteredTool | undefined {
    return this.#tools.get(name);
  }

  tools(): RegisteredTool[] {
    return [...this.#tools.values()];
  }

  hooks<Name extends keyof PluginHooks>(name: Name): readonly HookEntry<Name>[] {
    return (this.#hooks.get(name) ?? []) as HookEntry<Name>[];
  }

  #commit(
    pluginId: string,
    load: number,
    registration: Registration,
    fail: (problem: string) => never,
  ): void {
    const seen = new Set<string>();
    for (const { definition } of registration.commands) {
      if (seen.has(definition.name) || this.#commands.has(definition.name)) {
        fail(`command /${definition.name} is already registered`);
      }
      seen.add(definition.name);
    }
    seen.clear();
    for (const { definition } of registration.controls) {
      if (seen.has(definition.name)) fail(`control ${definition.name} is already registered`);
      seen.add(definition.name);
    }
    seen.clear();
    for (const { definition } of registration.tools) {
      if (seen.has(definition.name) || this.#tools.has(definition.name)) {
        fail(`tool ${definition.name} is already registered`);
      }
      seen.add(definition.name);
    }
    this.#loaded.set(pluginId, load);
    for (const command of registration.commands) this.#commands.set(command.definition.name, command);
    this.#controls.set(
      pluginId,
      new Map(registration.controls.map((control) => [control.definition.name, control])),
    );
    for (const tool of registration.tools) this.#tools.set(tool.definition.name, tool);
    for (const { name, handler } of registration.hooks) {
      this.#hooks.set(name, [...(this.#hooks.get(name) ?? []), { pluginId, handler }]);
    }
  }
}

function checkCommand(command: CommandDefinition, fail: (problem: string) => never): CommandDefinition {
  if (typeof command?.name !== "string" || !commandNamePattern.test(command.name)) {
    fail(`command name "${String(command?.name)}" must match ${commandNamePattern}`);
  }
  if (typeof command.execute !== "function") fail(`command /${command.name} needs an execute function`);
  if (command.access !== undefined && command.access !== "owner" && command.access !== "anyone") {
    fail(`command /${command.name} access must be "owner" or "anyone"`);
  }
  return command;
}

function checkControl(control: ControlDefinition, fail: (problem: string) => never): ControlDefinition {
  if (typeof control?.name !== "string" || !commandNamePattern.test(control.name)) {
    fail(`control name "${String(control?.name)}" must match ${commandNamePattern}`);
  }
  if (typeof control.execute !== "function") fail(`control ${control.name} needs an execute function`);
  // Duck-typed, like a tool's: zod 4 in its classic or its mini form, from any copy of the package.
  if (typeof (control.input as { _zod?: unknown } | undefined)?._zod !== "object") {
    fail(`control ${control.name} input must be a zod 4 schema`);
  }
  return control;
}

function checkTool(pluginId: string, tool: ToolDefinition, fail: (problem: string) => never): RegisteredTool {
  if (typeof tool?.name !== "string" || !toolNamePattern.test(tool.name)) {
    fail(`tool name "${String(tool?.name)}" must match ${toolNamePattern}`);
  }
  if (typeof tool.execute !== "function") fail(`tool ${tool.name} needs an execute function`);
  if (tool.endsTurn !== undefined && typeof tool.endsTurn !== "boolean") {
    fail(`tool ${tool.name} endsTurn must be true or false`);
  }
  if (!isZodObject(tool.input)) fail(`tool ${tool.name} input must be a zod object schema (z.object({...}))`);
  const schema = tool.input.strict();
  let inputSchema: Record<string, unknown>;
  try {
    inputSchema = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  } catch (error) {
    return fail(`tool ${tool.name} input schema has no JSON Schema form: ${(error as Error).message}`);
  }
  delete inputSchema.$schema;
  const loose = findLooseObject(inputSchema, "input");
  if (loose)
    fail(`tool ${tool.name}: the object at ${loose} must reject unknown keys; use z.strictObject({...})`);
  return {
    pluginId,
    definition: tool,
    schema,
    modelSchema: { name: tool.name, description: tool.description ?? "", inputSchema },
  };
}

// `.strict()` covers the top level only; a nested object that lets unknown keys through would let model input
// carry fields the tool never declared, so registration refuses it.
function findLooseObject(schema: unknown, path: string): string | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const node = schema as Record<string, unknown>;
  if (node.type === "object" && node.additionalProperties !== false) return path;
  for (const [key, child] of Object.entries(node)) {
    const childPath = key === "properties" || key === "$defs" ? path : `${path}.${key}`;
    if (key === "properties" || key === "$defs") {
      for (const [name, property] of Object.entries((child ?? {}) as Record<string, unknown>)) {
        const found = findLooseObject(property, `${path}.${name}`);
        if (found) return found;
      }
      continue;
    }
    const found = Array.isArray(child)
      ? child.map((item) => findLooseObject(item, childPath)).find(Boolean)
      : findLooseObject(child, childPath);
    if (found) return found;
  }
  return undefined;
}

// Duck-typed so a plugin built against another copy of zod 4 still registers.
function isZodObject(value: unknown): value is z.ZodObject {
  const candidate = value as { _zod?: { def?: { type?: unknown } }; strict?: unknown } | undefined;
  return candidate?._zod?.def?.type === "object" && typeof candidate.strict === "function";
}
