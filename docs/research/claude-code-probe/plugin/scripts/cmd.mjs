// Runs as the inline shell of commands/goal.md: log argv + env, print a line the model sees.
import fs from 'node:fs';
const log = process.env.PROBE_LOG || '/tmp/cc-probe/probe.jsonl';
fs.appendFileSync(log, JSON.stringify({ kind: 'cmd', t: Date.now(), pid: process.pid, ppid: process.ppid, argv: process.argv.slice(2), cwd: process.cwd(), env: process.env }) + '\n');
console.log(`CMD_SHELL_RAN args=${JSON.stringify(process.argv.slice(2))} session=${process.env.CLAUDE_SESSION_ID ?? process.env.CLAUDE_CODE_SESSION_ID ?? 'none'}`);
