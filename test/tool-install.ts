// Bootstraps a pinned npm package into the tools cache outside the repo, once per machine; the end-to-end
// tests use it for the hosts they run (OpenClaw, Claude Code, Codex).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The tools cache: `$GOAL_LEASE_TOOLS`, else `~/.cache/goal-lease-tools` (the one `.ci/run` uses). */
export function toolsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.GOAL_LEASE_TOOLS ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "goal-lease-tools");
}

/**
 * The path of `bin` inside `name@version`, installing the package with npm if it is missing. Its install
 * scripts run unless `scripts` is false.
 */
export function ensurePackage(
  name: string,
  version: string,
  bin: string,
  options = { scripts: true },
): string {
  const directory = join(toolsDirectory(), `${name.replace(/^@/, "").replace("/", "-")}-${version}`);
  const entry = join(directory, "node_modules", ".bin", bin);
  if (existsSync(entry)) return entry;
  console.log(`installing ${name}@${version} into ${directory} (once)`);
  // A staging folder of its own: two suites installing the same host at once must not share one.
  const staging = `${directory}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const flags = ["--no-save", "--no-audit", "--no-fund", "--loglevel=error"];
  if (!options.scripts) flags.push("--ignore-scripts");
  execFileSync("npm", ["install", "--prefix", staging, ...flags, `${name}@${version}`], { stdio: "inherit" });
  // Whichever install finishes first is the one kept; a later one is dropped, not swapped in under a user.
  if (existsSync(entry)) rmSync(staging, { recursive: true, force: true });
  else {
    rmSync(directory, { recursive: true, force: true });
    renameSync(staging, directory);
  }
  return entry;
}
