// Generic hook: log event, stdin JSON and env; Stop blocks while PROBE_STOP_BLOCKS > count.
import fs from 'node:fs';
import path from 'node:path';
const log = process.env.PROBE_LOG || '/tmp/cc-probe/probe.jsonl';
const event = process.argv[2];
let raw = '';
for await (const c of process.stdin) raw += c;
let input = null; try { input = JSON.parse(raw); } catch { input = raw; }
let out = '';
if (event === 'Stop') {
  const max = +(process.env.PROBE_STOP_BLOCKS || 0);
  const f = path.join(path.dirname(log), `stopcount-${input.session_id}`);
  const n = fs.existsSync(f) ? +fs.readFileSync(f, 'utf8') : 0;
  if (n < max) {
    fs.writeFileSync(f, String(n + 1));
    out = JSON.stringify({ decision: 'block', reason: `STOP_BLOCKED #${n + 1} ${process.env.PROBE_STOP_REASON || ''}` });
  }
}
fs.appendFileSync(log, JSON.stringify({ kind: 'hook', event, t: Date.now(), pid: process.pid, ppid: process.ppid, cwd: process.cwd(), input, out, env: process.env }) + '\n');
if (out) process.stdout.write(out);
