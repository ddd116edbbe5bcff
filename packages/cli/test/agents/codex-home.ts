// A Codex home of its own for one check in Codex's interactive terminal: the scripted model as provider, the
// work folder trusted, goal-lease's plugin installed from the clone (its tools approved), as a person sets it up.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { codexConfig, pluginToolsApproved } from "./codex-config.ts";
import { openTerminal, type Terminal } from "./terminal.ts";

export interface CodexHome {
  /** The folder Codex runs in. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Codex's terminal in a pseudo-terminal, its hooks trusted (the flag is that consent, for a test). */
  openTerminal(): Terminal;
  remove(): void;
}

export function codexHome(
  codex: string,
  options: { clone: string; storePath: string },
  modelUrl: string,
  withPlugin = true,
): CodexHome {
  const root = mkdtempSync(join(tmpdir(), "goal-lease-codex-terminal-"));
  const home = join(root, "codex-home");
  const cwd = join(root, "work");
  for (const directory of [home, join(root, "home"), cwd]) mkdirSync(directory);
  const trusted = `[projects.${JSON.stringify(cwd)}]\ntrust_level = "trusted"\n\n${pluginToolsApproved}`;
  writeFileSync(join(home, "config.toml"), codexConfig(modelUrl, trusted));
  const env = {
    CODEX_HOME: home,
    HOME: join(root, "home"),
    MOCK_API_KEY: "test",
    GOAL_LEASE_STATE: options.storePath,
    PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
  };
  if (withPlugin) {
    execFileSync(codex, ["plugin", "marketplace", "add", options.clone], { env, cwd, stdio: "ignore" });
    execFileSync(codex, ["plugin", "add", "goal-lease@goal-lease"], { env, cwd, stdio: "ignore" });
  }
  return {
    cwd,
    env,
    openTerminal: () =>
      openTerminal([codex, "--no-alt-screen", "--dangerously-bypass-hook-trust"], { cwd, env }),
    remove: () => rmSync(root, { recursive: true, force: true, maxRetries: 5 }),
  };
}
