// Bootstraps a pinned npm package into the tools cache outside the repo, once per machine.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The tools cache: `$GOAL_LEASE_TOOLS`, else `~/.cache/goal-lease-tools` (the one `.ci/run` uses). */
export function toolsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.GOAL_LEASE_TOOLS ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "goal-lease-tools");
}

/** The path of `bin` inside `name@version`, installing the package with npm (its install scripts run) if missing. */
export function ensurePackage(name: string, version: string, bin: string): string {
  const directory = join(toolsDirectory(), `${name.replace(/^@/, "").replace("/", "-")}-${version}`);
  const entry = join(directory, "node_modules", ".bin", bin);
  if (existsSync(entry)) return entry;
  console.log(`installing ${name}@${version} into ${directory} (once)`);
  const staging = `${directory}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync(
    "npm",
    [
      "install",
      "--prefix",
      staging,
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `${name}@${version}`,
    ],
    { stdio: "inherit" },
  );
  rmSync(directory, { recursive: true, force: true });
  renameSync(staging, directory);
  return entry;
}
