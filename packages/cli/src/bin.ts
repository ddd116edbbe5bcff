#!/usr/bin/env node
// Every entry point starts here: the Node.js version is checked before anything that needs a newer one
// (node:sqlite) is loaded, so an old Node.js gets one line instead of a stack trace.
import { unsupportedNodeMessage } from "./node-check.js";

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exit(1);
}
// Claude Code starts a hook process for every event, several a turn: it skips the command-line parser.
if (process.argv.length === 3 && process.argv[2] === "hook") await import("./hook-bin.js");
else await import("./main.js");
