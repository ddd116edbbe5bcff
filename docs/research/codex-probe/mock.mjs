// Minimal OpenAI Responses API mock (streaming SSE), logs every request.
// Rules, applied to the LAST input item of each POST /v1/responses:
//   - function_call_output               -> text "TOOL_RESULT_SEEN <output>"
//   - user text contains "CALL <suffix> <json>" and a tool whose name ends with <suffix> -> function_call
//   - otherwise                          -> text "ok #<n>"
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
      if (req.method === 'POST' && path.endsWith('/responses')) {
        n++;
        const out = decide(body, n);
        entry.reply = out;
        if (logFile) fs.appendFileSync(logFile, JSON.stringify({ reply: out, n }) + '\n');
        return sse(res, body, out, n);
      }
      if (path.endsWith('/models')) return json(res, { object: 'list', data: [], models: [] });
      json(res, {});
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({ port: server.address().port, requests, close: () => new Promise((r) => server.close(r)) })));
}

const textOf = (c) => typeof c === 'string' ? c : (c || []).map((p) => p.text ?? '').join('\n');
// Tools may be flat ({type:"function",name}) or grouped ({type:"namespace",name,tools:[...]}).
const toolNames = (tools) => (tools || []).flatMap((t) =>
  Array.isArray(t.tools) ? t.tools.map((x) => ({ name: x.name, namespace: t.name })) : [{ name: t.name }]);

function decide(body, n) {
  const input = Array.isArray(body.input) ? body.input : [];
  const last = input[input.length - 1] || {};
  if (last.type === 'function_call_output') {
    const o = typeof last.output === 'string' ? last.output : JSON.stringify(last.output);
    return { text: 'TOOL_RESULT_SEEN ' + o.slice(0, 500) };
  }
  const users = input.filter((i) => i.role === 'user');
  const txt = textOf(users[users.length - 1]?.content);
  const m = /CALL (\S+) (\{.*?\})(?:\s|$)/s.exec(txt);
  if (m) {
    const tool = toolNames(body.tools).find((t) => t.name?.endsWith(m[1]));
    if (tool) return { tool: { ...tool, arguments: m[2] } };
  }
  return { text: `ok #${n}` };
}

function sse(res, body, out, n) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const resp = { id: `resp_${n}`, object: 'response', created_at: Math.floor(Date.now() / 1000), model: body.model, output: [] };
  ev('response.created', { response: { ...resp, status: 'in_progress' } });
  let item;
  if (out.tool) {
    item = { type: 'function_call', id: `fc_${n}`, call_id: `call_${n}`, name: out.tool.name, arguments: out.tool.arguments, status: 'completed' };
    // MCP tools arrive as {type:"namespace",name:"mcp__<server>",tools:[...]}: the call must carry namespace + bare name
    // (a flat name "mcp__goal__goal_status" is rejected by codex 0.169.0 with "unsupported call").
    if (out.tool.namespace) item.namespace = out.tool.namespace;
    ev('response.output_item.added', { output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } });
    ev('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: item.arguments });
    ev('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments });
  } else {
    item = { type: 'message', id: `msg_${n}`, role: 'assistant', status: 'completed',
      content: [{ type: 'output_text', text: out.text, annotations: [] }] };
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    ev('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    ev('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: out.text });
    ev('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text: out.text });
    ev('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: item.content[0] });
  }
  ev('response.output_item.done', { output_index: 0, item });
  ev('response.completed', { response: { ...resp, status: 'completed', output: [item],
    usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 } } });
  res.end();
}

function json(res, obj) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m = await startMock({ logFile: process.env.MOCK_LOG || '/tmp/codex-probe/requests.jsonl', port: +(process.env.PORT || 0) });
  console.log(`mock listening on ${m.port}`);
}
