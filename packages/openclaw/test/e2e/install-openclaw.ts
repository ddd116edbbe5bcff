// Bootstraps the pinned openclaw package into a cache outside the repo (about 650 MB, once per machine).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const openclawVersion = "2026.9.6";

/** The path of `openclaw.mjs`, installing `openclaw@openclawVersion` with npm if the cache lacks it. */
export function ensureOpenClaw(): string {
  const tools =
    process.env.GOAL_LEASE_TOOLS ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "goal-lease-tools");
  const directory = join(tools, `openclaw-${openclawVersion}`);
  const entry = join(directory, "node_modules", "openclaw", "openclaw.mjs");
  if (existsSync(entry)) return entry;
  console.log(`installing openclaw@${openclawVersion} into ${directory} (once)`);
  const staging = `${directory}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // Its install scripts only tidy its own files; the gateway runs without them.
  execFileSync(
    "npm",
    [
      "install",
      "--prefix",
      staging,
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      `openclaw@${openclawVersion}`,
    ],
    { stdio: "inherit" },
  );
  rmSync(directory, { recursive: true, force: true });
  renameSync(staging, directory);
  return entry;
}
