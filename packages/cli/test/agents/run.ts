// End-to-end: goal-lease inside the real Claude Code and Codex CLIs, offline, with scripted model servers.
// Usage: pnpm test:agents (builds first). Prints each check; exits 1 if any fails.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarize } from "../../../../test/checks.ts";
import { freshClone } from "../../../../test/fresh-clone.ts";
import { claudeCodeChecks } from "./claude-code.ts";
import { claudeCodeTerminalChecks } from "./claude-code-terminal.ts";
import { codexChecks } from "./codex.ts";
import { codexPluginChecks } from "./codex-plugin.ts";
import { codexTerminalChecks } from "./codex-terminal.ts";

const started = Date.now();
// Both agents run goal-lease from a fresh, unbuilt clone, as users get it.
const clone = freshClone();
const storePath = join(mkdtempSync(join(tmpdir(), "goal-lease-agents-")), "state.db");
const only = process.argv[2];

try {
  if (!only || only === "claude-code") {
    console.log("Claude Code");
    await claudeCodeChecks({ clone, storePath });
  }
  if (!only || only === "claude-code" || only === "claude-code-terminal") {
    console.log("Claude Code, interactive terminal");
    await claudeCodeTerminalChecks({ clone, storePath });
  }
  if (!only || only === "codex") {
    console.log("Codex");
    await codexChecks({ entry: join(clone, "plugins/claude-code/dist/goal-lease.js"), storePath });
    console.log("Codex plugin");
    await codexPluginChecks({ clone, storePath });
  }
  if (!only || only === "codex" || only === "codex-terminal") {
    console.log("Codex, interactive terminal");
    await codexTerminalChecks({ clone, storePath });
  }
} finally {
  summarize(started);
}
