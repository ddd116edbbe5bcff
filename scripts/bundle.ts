// Bundles what hosts load from a folder of their own, so they run with nothing but Node.js: no install,
// no build, no dependencies to fetch.
// - plugins/claude-code/dist: the `goal-lease` command (and its hook alone, which starts for every hook
//   event), which the Claude Code plugin (and Codex's configuration) run. Committed, so a plain clone works; CI fails when a build changes it.
// - packages/cli/dist/page: the dashboard goal-lease serve serves (scripts/build-page.ts).
// - packages/openclaw/dist/extension.js: the OpenClaw extension, one file with no dependencies, because
//   OpenClaw's installer fetches a plugin's dependencies from the registry (and ours are bundled instead).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build } from "esbuild";
import { buildPage } from "./build-page.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const common: BuildOptions = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node22.13",
  minify: true,
  legalComments: "eof",
  logLevel: "warning",
  // CommonJS dependencies (prom-client) call require() for Node's modules; an ES module has none of its own.
  banner: {
    js: 'import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);',
  },
};

const plugin = join(root, "plugins/claude-code/dist");
rmSync(plugin, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { "goal-lease": join(root, "packages/cli/src/bin.ts") },
  outdir: plugin,
  // Chunks keep what the hook process loads small: the MCP server and the model adapters load on use.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
});

// The goal-lease serve dashboard, beside the package's code and the plugin's bundle (whose serve chunk
// finds it at the same relative path).
await buildPage(join(root, "packages/cli/dist/page"));
await buildPage(join(plugin, "page"));

// The hook on its own, one file: it starts for every Claude Code hook event.
await build({
  ...common,
  entryPoints: { hook: join(root, "packages/cli/src/hook-bin.ts") },
  outdir: plugin,
});

await build({
  ...common,
  entryPoints: [join(root, "packages/openclaw/dist/index.js")],
  outfile: join(root, "packages/openclaw/dist/extension.js"),
});
