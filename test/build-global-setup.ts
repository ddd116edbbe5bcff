// Vitest's global setup: the goal-lease CLI bundled once, from the sources, before any test, into a folder
// of the run's own (mode 0755, outside the checkout, whose folder may be private); the tests that run the
// real process take its path from test/cli-bin.ts. One build for the run: test files that each built the
// same output raced each other. A bundle takes well under a second; one that fails fails only those tests.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";
import { repositoryPath, sourceEntries } from "./sources.ts";

/** Bundles packages/cli/src/bin.ts into `folder/bin.js` with scripts/bundle.ts's options, unminified. */
export async function bundleCli(folder: string): Promise<string> {
  const outfile = join(folder, "bin.js");
  await build({
    entryPoints: [repositoryPath("packages/cli/src/bin.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22.13",
    logLevel: "silent",
    plugins: [
      {
        // The workspace's packages from their sources, not their (maybe missing or stale) dist.
        name: "workspace-sources",
        setup(bundle) {
          bundle.onResolve({ filter: /^@goal-lease\// }, ({ path }) => {
            const source = sourceEntries[path];
            return source === undefined ? undefined : { path: repositoryPath(source) };
          });
        },
      },
    ],
  });
  return outfile;
}

export default async function setup(project: TestProject) {
  const folder = mkdtempSync(join(tmpdir(), "goal-lease-cli-"));
  // Readable by the unprivileged user a test runs the binary as.
  chmodSync(folder, 0o755);
  try {
    project.provide("cliBin", await bundleCli(folder));
    project.provide("cliBundleError", "");
  } catch (error) {
    project.provide("cliBin", "");
    project.provide("cliBundleError", error instanceof Error ? error.message : String(error));
  }
  return () => rmSync(folder, { recursive: true, force: true });
}
