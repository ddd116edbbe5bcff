// End-to-end: goal-lease inside the real Claude Code and Codex CLIs, offline, with scripted model servers.
// Usage: pnpm test:agents (builds first). Prints each check; exits 1 if any fails.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { summarize } from "../../../../test/checks.ts";
import { claudeCodeChecks } from "./claude-code.ts";
import { codexChecks } from "./codex.ts";

const started = Date.now();
const cli = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));
const pluginDir = fileURLToPath(new URL("../../../../plugins/claude-code", import.meta.url));
const storePath = join(mkdtempSync(join(tmpdir(), "goal-lease-agents-")), "state.db");
const only = process.argv[2];

try {
  if (!only || only === "claude-code") {
    console.log("Claude Code");
    await claudeCodeChecks({ cli, pluginDir, storePath });
  }
  if (!only || only === "codex") {
    console.log("Codex");
    await codexChecks({ cli, storePath });
  }
} finally {
  summarize(started);
}
