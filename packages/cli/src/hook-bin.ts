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
const args = process.argv.slice(2);
process.exitCode = await runHook(
  { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env },
  args.includes("codex") ? "codex" : "claude",
  args.includes("wake") ? "wake" : undefined,
);
