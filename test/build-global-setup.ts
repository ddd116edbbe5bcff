// Vitest's global setup: builds once, before any test, what tests run as processes of their own.
// - The goal-lease CLI, bundled from the sources into a folder of the run's own (mode 0755, outside the
//   checkout, whose folder may be private, so a test may run it as another user); the tests that run it
//   take its path from test/cli-bin.ts. A bundle takes well under a second; one that fails fails only them.
// - Every package's dist (`tsc -b`, incremental: a third of a second when nothing changed), for the child
//   processes that load the built packages (the stalled-owner test's host).
// Built here once for the run: test files that each built the same output at once raced each other.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
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

/**
 * `tsc -b` at the root; a type error is `pnpm typecheck`'s to report, so it only warns here. Test runs in
 * one checkout (several people's, or an editor's beside a terminal's) take turns: they write the same dist.
 */
async function buildPackages(): Promise<void> {
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");
  await holding(repositoryPath("node_modules/.cache/goal-lease-test-build.lock"), async () => {
    try {
      await promisify(execFile)(process.execPath, [tsc, "-b", repositoryPath("")], { encoding: "utf8" });
    } catch (error) {
      const { stdout = "", message } = error as { stdout?: string; message: string };
      process.stderr.write(
        `tsc -b failed; tests that run the built packages may fail:\n${stdout || message}\n`,
      );
    }
  });
}

/** Runs `work` while holding a lock folder; one a run that died left is taken after two minutes. */
async function holding(lock: string, work: () => Promise<void>): Promise<void> {
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject) {
  const folder = mkdtempSync(join(tmpdir(), "goal-lease-cli-"));
  // Readable by the unprivileged user a test runs the binary as.
  chmodSync(folder, 0o755);
  const bundled = bundleCli(folder).then(
    (bin) => ({ bin, error: "" }),
    (error: unknown) => ({ bin: "", error: error instanceof Error ? error.message : String(error) }),
  );
  await buildPackages();
  const { bin, error } = await bundled;
  project.provide("cliBin", bin);
  project.provide("cliBundleError", error);
  return () => rmSync(folder, { recursive: true, force: true });
}
