// Bundles the `goal-lease` command into plugins/claude-code/dist, so the Claude Code plugin (and Codex's
// configuration) run from the plugin's own directory with nothing but Node.js: no install, no build.
// The output is committed; CI fails when a build changes it.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = join(root, "plugins/claude-code/dist");

rmSync(target, { recursive: true, force: true });
await build({
  entryPoints: { "goal-lease": join(root, "packages/cli/src/bin.ts") },
  outdir: target,
  bundle: true,
  // Chunks keep what the hook process loads small: the MCP server and the model adapters load on use.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22.13",
  minify: true,
  legalComments: "eof",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
