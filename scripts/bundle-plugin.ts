// Bundles the `goal-lease` command into plugins/claude-code/dist, so the Claude Code plugin (and Codex's
// configuration) run from the plugin's own directory with nothing but Node.js: no install, no build.
// The output is committed; `--check` fails when it is stale against the sources.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = join(root, "plugins/claude-code/dist");
const check = process.argv.includes("--check");
const outdir = check ? mkdtempSync(join(tmpdir(), "goal-lease-bundle-")) : target;

if (!check) rmSync(target, { recursive: true, force: true });
await build({
  entryPoints: { "goal-lease": join(root, "packages/cli/src/bin.ts") },
  outdir,
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

if (check) {
  const stale = differences(outdir, target);
  rmSync(outdir, { recursive: true, force: true });
  if (stale.length > 0) {
    console.error(
      `plugins/claude-code/dist is stale against the sources (${stale.slice(0, 3).join(", ")}); run \`pnpm build\` and commit it.`,
    );
    process.exit(1);
  }
}

function files(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
      .sort();
  } catch {
    return [];
  }
}

function differences(fresh: string, committed: string): string[] {
  const names = new Set([...files(fresh), ...files(committed)]);
  return [...names].filter((name) => {
    try {
      return !readFileSync(join(fresh, name)).equals(readFileSync(join(committed, name)));
    } catch {
      return true;
    }
  });
}
