// End-to-end probe: real Codex CLI (codex exec) + local Responses API mock + stdio MCP server. No deps.
// Usage: PATH=/root/.cache/goal-lease-tools/bin:$PATH node run.mjs   (CODEX_BIN overrides the binary)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMock } from './mock.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const CODEX = process.env.CODEX_BIN || '/root/.cache/goal-lease-tools/codex-0.169.0/node_modules/.bin/codex';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codex-e2e-'));
const work = path.join(root, 'work'); fs.mkdirSync(work);
const mock = await startMock({ logFile: path.join(root, 'requests.jsonl') });
const probeLog = path.join(root, 'probe.jsonl');
let pass = 0, fail = 0;
const check = (ok, name, extra = '') => { ok ? pass++ : fail++; console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${extra ? ' — ' + extra : ''}`); };

function home(name, approval) {
  const dir = path.join(root, name); fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'config.toml'), `model = "mock-model"
model_provider = "mock"

[model_providers.mock]
name = "mock"
base_url = "http://127.0.0.1:${mock.port}/v1"
wire_api = "responses"
env_key = "MOCK_API_KEY"
request_max_retries = 0
stream_max_retries = 0

[mcp_servers.goal]
command = "node"
args = [${JSON.stringify(path.join(here, 'mcp.mjs'))}]
env = { PROBE_LOG = ${JSON.stringify(probeLog)} }
${approval ? 'default_tools_approval_mode = "approve"' : ''}
`);
  return dir;
}
const okHome = home('codex-home', true), noApproval = home('codex-home-noapproval', false);

function codex(args, codexHome) {
  const from = mock.requests.length, fromLog = fs.existsSync(probeLog) ? fs.readFileSync(probeLog, 'utf8').length : 0, t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn(CODEX, ['exec', '--skip-git-repo-check', '--json', ...args],
      { cwd: work, env: { ...process.env, CODEX_HOME: codexHome, MOCK_API_KEY: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d)); p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      const events = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const probe = fs.readFileSync(probeLog, 'utf8').slice(fromLog).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      resolve({ code, events, err, probe, reqs: mock.requests.slice(from).filter((r) => r.url.endsWith('/responses')), ms: Date.now() - t0 });
    });
  });
}

// 1. Model sees the MCP tool, calls it, result comes back as function_call_output.
const r1 = await codex(['CALL goal_status {"note":"cx"}'], okHome);
console.log(`run 1: exit ${r1.code}, ${r1.ms} ms, ${r1.reqs.length} model requests`);
const thread = r1.events.find((e) => e.type === 'thread.started')?.thread_id;
check(r1.code === 0 && !!thread, 'codex exec --json runs offline against the mock', `thread ${thread}`);
const ns = r1.reqs[0].body.tools.find((t) => t.type === 'namespace' && t.name === 'mcp__goal');
check(ns?.tools.some((t) => t.name === 'goal_status'), 'tool appears as namespace "mcp__goal" containing function "goal_status"');
const mcpItem = r1.events.find((e) => e.type === 'item.completed' && e.item.type === 'mcp_tool_call');
check(mcpItem?.item.status === 'completed' && mcpItem.item.server === 'goal', 'function_call {namespace:"mcp__goal",name:"goal_status"} → mcp_tool_call completed');
const fco = r1.reqs[1]?.body.input.at(-1);
check(fco?.type === 'function_call_output' && fco.call_id === 'call_1' && JSON.stringify(fco.output).includes('GOAL_STATUS'),
  'next request ends with function_call_output (same call_id) holding the MCP result');
const init = r1.probe.find((e) => e.recv?.method === 'initialize');
check(init?.recv.params.clientInfo.name === 'codex-mcp-client', 'initialize clientInfo = codex-mcp-client (no thread id there)');
const call = r1.probe.find((e) => e.recv?.method === 'tools/call');
check(call?.recv.params._meta.threadId === thread && call.recv.params._meta['x-codex-turn-metadata'].thread_id === thread,
  'tools/call _meta.threadId / sessionId / x-codex-turn-metadata.thread_id = thread id');
const start = r1.probe.find((e) => e.start);
check(!Object.keys(start.env).some((k) => /CODEX/.test(k) && k !== 'CODEX_HOME'), 'MCP server env carries no thread id', Object.keys(start.env).join(' '));
check(r1.reqs[0].headers['thread-id'] === thread && r1.reqs[0].body.prompt_cache_key === thread, 'mock sees thread id in thread-id header + prompt_cache_key');
const msg = r1.events.filter((e) => e.item?.type === 'agent_message').at(-1);
check(msg?.item.text.startsWith('TOOL_RESULT_SEEN'), 'final agent_message is the mock text after the tool result');

// 2. Resume the same thread in a new process.
const r2 = await codex(['resume', thread, 'CALL goal_status {"note":"again"}'], okHome);
const call2 = r2.probe.find((e) => e.recv?.method === 'tools/call');
check(r2.events.find((e) => e.type === 'thread.started')?.thread_id === thread && call2?.recv.params._meta.threadId === thread
  && call2.pid !== call.pid, 'exec resume <thread> keeps thread id; new MCP process per codex run', `${r2.ms} ms`);

// 3. Without an approval setting the MCP call is refused in exec mode.
const r3 = await codex(['CALL goal_status {"note":"denied"}'], noApproval);
const denied = r3.events.find((e) => e.type === 'item.completed' && e.item.type === 'mcp_tool_call');
check(denied?.item.status === 'failed' && /requires approval/.test(denied.item.error?.message), 'no approval config → "MCP tool call requires approval, but approval policy is never"');

await mock.close();
console.log('endpoints hit:', [...new Set(mock.requests.map((r) => `${r.method} ${r.url}`))].join(', '));
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
