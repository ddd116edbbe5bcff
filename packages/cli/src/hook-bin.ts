#!/usr/bin/env node
// `goal-lease hook` on its own: Claude Code and Codex start it for every hook event, several a turn, so the plugin runs this as one small file (everything it loads exists in any Node.js, so the version check
// can come after the imports).
import { runHook } from "./commands/hook.js";
import { unsupportedNodeMessage } from "./node-check.js";

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exit(1);
}
await runHook(
  { stdin: process.stdin, stdout: process.stdout, env: process.env },
  process.argv[2] === "codex" ? "codex" : "claude",
);
