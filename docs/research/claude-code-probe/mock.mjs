// Minimal Anthropic Messages API mock (streaming SSE + non-stream JSON), logs every request.
// Rules (applied to the LAST message of each /v1/messages request):
//   - last user message holds a tool_result block  -> text "TOOL_RESULT_SEEN <result text>"
//   - last user text contains "CALL <suffix> <json>" and a tool whose name ends with <suffix> exists -> tool_use
//   - otherwise -> text "ok #<n>"
import http from 'node:http';
import fs from 'node:fs';

export function startMock({ logFile, port = 0 } = {}) {
  let n = 0;
  const requests = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let body = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
      const entry = { t: Date.now(), method: req.method, url: req.url, headers: req.headers, body };
      requests.push(entry);
      if (logFile) fs.appendFileSync(logFile, JSON.stringify(entry) + '\n');
      const path = req.url.split('?')[0];
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        return json(res, { input_tokens: 42 });
      }
      if (req.method === 'POST' && path === '/v1/messages') {
        n++;
        const out = decide(body, n);
        entry.reply = out;
        if (logFile) fs.appendFileSync(logFile, JSON.stringify({ reply: out, n }) + '\n');
        return body.stream ? sse(res, body, out, n) : json(res, message(body, out, n));
      }
      json(res, {});
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({ port: server.address().port, requests, close: () => new Promise((r) => server.close(r)) })));
}

function textOf(content) {
  if (typeof content === 'string') return content;
  return (content || []).map((b) => b.type === 'text' ? b.text
    : b.type === 'tool_result' ? textOf(b.content) : '').join('\n');
}

function decide(body, n) {
  // Claude Code appends role:"system" entries to messages; look at the last non-system one.
  const msgs = (body.messages || []).filter((m) => m.role !== 'system');
  const last = msgs[msgs.length - 1] || {};
  const blocks = Array.isArray(last.content) ? last.content : [];
  const tr = blocks.find((b) => b.type === 'tool_result');
  if (tr) return { text: 'TOOL_RESULT_SEEN ' + textOf(tr.content).slice(0, 500) };
  const txt = textOf(last.content);
  const m = /CALL (\S+) (\{.*?\})(?:\s|$)/s.exec(txt);
  const tools = body.tools || [];
  if (m) {
    const tool = tools.find((t) => t.name.endsWith(m[1]));
    if (tool) return { tool: { name: tool.name, input: JSON.parse(m[2]) } };
    // Deferred tools (behind ToolSearch) are only named in a system text: call them by that name.
    const deferred = new RegExp(`(mcp__\\w*${m[1]})\\b`).exec(JSON.stringify(body));
    if (deferred) return { tool: { name: deferred[1], input: JSON.parse(m[2]) }, deferred: true };
  }
  return { text: `ok #${n}` };
}

function message(body, out, n) {
  const content = out.tool
    ? [{ type: 'tool_use', id: `toolu_${n}`, name: out.tool.name, input: out.tool.input }]
    : [{ type: 'text', text: out.text }];
  return { id: `msg_${n}`, type: 'message', role: 'assistant', model: body.model, content,
    stop_reason: out.tool ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 } };
}

function sse(res, body, out, n) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  ev('message_start', { message: { id: `msg_${n}`, type: 'message', role: 'assistant', model: body.model,
    content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } });
  if (out.tool) {
    ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_${n}`, name: out.tool.name, input: {} } });
    ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(out.tool.input) } });
  } else {
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: out.text } });
  }
  ev('content_block_stop', { index: 0 });
  ev('message_delta', { delta: { stop_reason: out.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } });
  ev('message_stop', {});
  res.end();
}

function json(res, obj) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m = await startMock({ logFile: process.env.MOCK_LOG || '/tmp/cc-probe/requests.jsonl', port: +(process.env.PORT || 0) });
  console.log(`mock listening on ${m.port}`);
}
