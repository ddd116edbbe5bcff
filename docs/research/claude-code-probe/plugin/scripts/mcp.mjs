// Tiny MCP stdio server (newline-delimited JSON-RPC), no deps. Logs every message + env at start.
import fs from 'node:fs';
import readline from 'node:readline';
const log = process.env.PROBE_LOG || '/tmp/cc-probe/probe.jsonl';
const w = (o) => fs.appendFileSync(log, JSON.stringify({ kind: 'mcp', t: Date.now(), pid: process.pid, ppid: process.ppid, ...o }) + '\n');
w({ start: true, argv: process.argv.slice(2), cwd: process.cwd(), env: process.env });
const send = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let clientInfo = null;
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let msg; try { msg = JSON.parse(line); } catch { return; }
  w({ recv: msg });
  const { id, method, params } = msg;
  if (method === 'initialize') {
    clientInfo = params?.clientInfo;
    return send({ jsonrpc: '2.0', id, result: { protocolVersion: params?.protocolVersion || '2025-06-18',
      capabilities: { tools: {} }, serverInfo: { name: 'goal', version: '0.0.1' } } });
  }
  if (method === 'tools/list') {
    return send({ jsonrpc: '2.0', id, result: { tools: [{ name: 'goal_status', description: 'Report goal status',
      inputSchema: { type: 'object', properties: { note: { type: 'string' } } } }] } });
  }
  if (method === 'tools/call') {
    const text = `GOAL_STATUS pid=${process.pid} args=${JSON.stringify(params?.arguments)} meta=${JSON.stringify(params?._meta ?? null)}`;
    return send({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } });
  }
  if (id !== undefined) send({ jsonrpc: '2.0', id, error: { code: -32601, message: 'method not found' } });
});
process.stdin.on('end', () => { w({ stdinEnd: true }); process.exit(0); });
