// End-to-end probe: real Claude Code CLI + local Anthropic mock + probe plugin (--plugin-dir). No deps.
// Usage: PATH=/root/.cache/goal-lease-tools/bin:$PATH node run.mjs   (CLAUDE_BIN overrides the binary)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startMock } from './mock.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const CLAUDE = process.env.CLAUDE_BIN || '/root/.cache/goal-lease-tools/claude-code-2.1.330/node_modules/.bin/claude';
const PLUGIN = path.join(here, 'plugin');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-'));
const work = path.join(root, 'work'); fs.mkdirSync(work);
const mock = await startMock({ logFile: path.join(root, 'requests.jsonl') });
let pass = 0, fail = 0;
const check = (ok, name, extra = '') => { ok ? pass++ : fail++; console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${extra ? ' — ' + extra : ''}`); };

function claude(args, extraEnv = {}) {
  const log = path.join(root, `probe-${randomUUID()}.jsonl`);
  fs.writeFileSync(log, '');
  const env = { ...process.env, HOME: path.join(root, 'home'), IS_SANDBOX: '1',
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${mock.port}`, ANTHROPIC_API_KEY: 'test',
    DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', PROBE_LOG: log, ...extraEnv };
  const from = mock.requests.length, t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn(CLAUDE, ['--plugin-dir', PLUGIN, '--output-format', 'json', ...args], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d)); p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      let json = null; try { json = JSON.parse(out); } catch {}
      const probe = fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const reqs = mock.requests.slice(from).filter((r) => r.url.startsWith('/v1/messages'));
      resolve({ code, json, err, probe, reqs, ms: Date.now() - t0 });
    });
  });
}
const hooks = (r, ev) => r.probe.filter((e) => e.kind === 'hook' && e.event === ev);
const nonSystem = (req) => req.body.messages.filter((m) => m.role !== 'system');
const text = (c) => typeof c === 'string' ? c : c.map((b) => b.text ?? JSON.stringify(b.content ?? '')).join('\n');

// 1. Plugin slash command + inline shell + UserPromptSubmit + Stop block that makes the model call the MCP tool.
const sid = randomUUID();
const r1 = await claude(['-p', '/probe:goal start write a haiku', '--session-id', sid,
  '--allowedTools', 'mcp__plugin_probe_goal__goal_status'],
  { PROBE_STOP_BLOCKS: '2', PROBE_STOP_REASON: 'CALL goal_status {"note":"from-stop"}' });
console.log(`run 1: exit ${r1.code}, ${r1.ms} ms, ${r1.reqs.length} model requests, num_turns ${r1.json?.num_turns}`);
check(r1.code === 0 && r1.json?.session_id === sid, '--session-id <uuid> is used as the session id', r1.json?.session_id);
const first = text(nonSystem(r1.reqs[0])[0].content);
check(first.includes('<command-name>/probe:goal</command-name>') && first.includes('CMD_SHELL_RAN args=["start","write","a","haiku"]'),
  'plugin command /probe:goal expanded in -p mode, inline shell output reaches the model');
const cmd = r1.probe.find((e) => e.kind === 'cmd');
check(cmd?.env.CLAUDE_CODE_SESSION_ID === sid, 'inline shell env CLAUDE_CODE_SESSION_ID = session id');
const ups = hooks(r1, 'UserPromptSubmit')[0];
check(ups?.input.prompt === '/probe:goal start write a haiku' && ups.input.session_id === sid, 'UserPromptSubmit hook sees raw slash prompt + session_id');
const stops = hooks(r1, 'Stop');
const keys = ['session_id', 'transcript_path', 'cwd', 'hook_event_name', 'stop_hook_active', 'last_assistant_message'];
check(stops.length === 3 && keys.every((k) => k in stops[0].input), 'Stop hook stdin has ' + keys.join(','), `${stops.length} Stop calls`);
check(stops.map((s) => s.input.stop_hook_active).join() === 'false,true,true', 'stop_hook_active false on first Stop, true after a block');
const fb = r1.reqs.map((q) => nonSystem(q).at(-1)).find((m) => typeof m.content === 'string' && m.content.startsWith('Stop hook feedback:'));
check(!!fb && fb.content.includes('STOP_BLOCKED #1'), 'block reason comes back as user message "Stop hook feedback:\\n<reason>"');
check(r1.reqs.length === 5, '2 blocks with 1 tool call each = 1 + 2×2 model requests', `${r1.reqs.length}`);
const toolNames = r1.reqs[0].body.tools.map((t) => t.name);
check(toolNames.includes('mcp__plugin_probe_goal__goal_status'), 'MCP tool name mcp__plugin_probe_goal__goal_status in tools[] (alwaysLoad)');
const calls = r1.probe.filter((e) => e.kind === 'mcp' && e.recv?.method === 'tools/call');
const pre = hooks(r1, 'PreToolUse');
check(calls.length === 2 && calls.every((c, i) => c.recv.params._meta['claudecode/toolUseId'] === pre[i]?.input.tool_use_id),
  'tools/call _meta["claudecode/toolUseId"] == PreToolUse hook tool_use_id (hook also has session_id)');
const mstart = r1.probe.find((e) => e.kind === 'mcp' && e.start);
check(mstart?.env.CLAUDE_CODE_SESSION_ID === sid, 'MCP server env CLAUDE_CODE_SESSION_ID = session id (fresh run)');
check(String(mstart?.ppid) === hooks(r1, 'SessionStart')[0]?.env.CLAUDE_PID, 'MCP server ppid == CLAUDE_PID seen by hooks');
const tr = r1.reqs.find((q) => nonSystem(q).at(-1).content?.[0]?.type === 'tool_result');
check(!!tr && text(nonSystem(tr).at(-1).content).includes('GOAL_STATUS'), 'tool_result with MCP output sent back to the model');

// 2. Resume keeps the id; --continue: hooks right, MCP env WRONG (pitfall).
const r2 = await claude(['-p', 'again', '--resume', sid]);
check(r2.json?.session_id === sid && nonSystem(r2.reqs[0]).length > 1, '--resume <id> continues the same session with history');
check(r2.probe.find((e) => e.kind === 'mcp' && e.start)?.env.CLAUDE_CODE_SESSION_ID === sid, 'MCP env session id correct under --resume <id>');
const r3 = await claude(['-p', 'and again', '--continue']);
const mEnv = r3.probe.find((e) => e.kind === 'mcp' && e.start)?.env.CLAUDE_CODE_SESSION_ID;
check(r3.json?.session_id === sid && hooks(r3, 'SessionStart')[0]?.input.session_id === sid, '--continue resumes latest session; hooks see its id');
check(mEnv !== sid, 'PITFALL confirmed: under --continue the MCP server env has a different (stale) session id', mEnv);
const r4 = await claude(['-p', 'dup', '--session-id', sid]);
check(r4.code !== 0 && /already in use/.test(r4.err), '--session-id of an existing session fails', r4.err.trim());

// 3. Block cap: 8 blocks honoured, the 9th is overridden.
const r5 = await claude(['-p', 'hello'], { PROBE_STOP_BLOCKS: '50' });
check(r5.reqs.length === 9 && hooks(r5, 'Stop').length === 9 && r5.json?.result === '',
  'default cap: 9 Stop calls, 9 model requests (1 + 8 blocked), result ""', `${hooks(r5, 'Stop').length} stops, ${r5.reqs.length} reqs, ${r5.ms} ms`);

// 4. Inline shell without allowed-tools is refused in -p mode, no model call.
const r6 = await claude(['-p', '/probe:nogrant']);
check(r6.reqs.length === 0 && /permission check failed/.test(r6.json?.result ?? ''), 'inline shell without allowed-tools → refused, 0 model requests');

// 5. Two sessions at once in the same folder.
const [a, b] = await Promise.all([claude(['-p', 'A']), claude(['-p', 'B'])]);
const pa = a.probe.find((e) => e.start), pb = b.probe.find((e) => e.start);
check(a.json?.session_id !== b.json?.session_id && pa.pid !== pb.pid, 'concurrent runs in one cwd: distinct sessions, one MCP process each');

await mock.close();
const urls = [...new Set(mock.requests.map((r) => `${r.method} ${r.url}`))];
console.log('endpoints hit:', urls.join(', '));
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
