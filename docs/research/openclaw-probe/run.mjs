// End-to-end probe of the recipe in /tmp/openclaw-notes.md.
// Fresh state dir, in-process scripted mock model, real `openclaw gateway run`, WS client, clean stop.
// Usage: PATH=/root/.cache/goal-lease-tools/bin:$PATH node /tmp/oc-e2e-probe/run.mjs
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const OC_BIN = process.env.OC_BIN || "/root/.cache/goal-lease-tools/openclaw-2026.9.6/node_modules/openclaw/openclaw.mjs";
const PLUGIN_DIR = process.env.OC_PLUGIN_DIR || "/tmp/oc-plugin";
const TOKEN = "e2e-" + Math.random().toString(36).slice(2);
const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(1) + "s";
const results = [];
const check = (name, ok, detail = "") => { results.push({ name, ok }); console.log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? " — " + detail : ""}`); };

const freePort = () => new Promise((res) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => res(p)); }); });

// ---------- scripted mock (OpenAI chat-completions, SSE streaming + tool calls) ----------
const requests = [];
const textOf = (m) => typeof m?.content === "string" ? m.content : Array.isArray(m?.content) ? m.content.map((p) => p.text ?? "").join("") : "";
function sessionOf(body) { const m = JSON.stringify(body.messages).match(/session=(agent:[^ |\\"]+)/); return m ? m[1] : "?"; }
function decide(body) {
  const msgs = body.messages || [];
  let i = msgs.length - 1;
  while (i >= 0 && msgs[i].role !== "assistant") i--;
  const tail = msgs.slice(i + 1);                      // current turn: everything after the last assistant message
  const tool = tail.find((m) => m.role === "tool");
  if (tool) return { text: "SAW_TOOL_RESULT " + textOf(tool) };
  const turn = tail.filter((m) => m.role === "user").map(textOf).join("\n");
  const names = (body.tools || []).map((t) => t.function?.name);
  if (turn.includes("CALL_REJECT")) return { tool: { name: "echo_status", args: { sessionKey: "agent:main:victim", reject: true } } };
  if (turn.includes("CALL_STOP")) return { tool: { name: "echo_status", args: { stop: true } } };
  if (turn.includes("CALL_ECHO") && names.includes("echo_status")) return { tool: { name: "echo_status", args: { sessionKey: "agent:main:victim", wake: turn.includes("WAKE_FROM_TOOL") } } };
  if (turn.includes("PROBE-EVENT")) return { text: "WOKE" };
  return { text: "PLAIN_REPLY" };
}
function startMock(port) {
  const server = http.createServer((req, res) => {
    let raw = ""; req.on("data", (c) => (raw += c)); req.on("end", () => {
      if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) { res.writeHead(404); return res.end("{}"); }
      const body = JSON.parse(raw); const d = decide(body); const n = requests.push({ t: Date.now(), session: sessionOf(body), body, d });
      const id = "cmpl-" + n, created = Math.floor(Date.now() / 1000), model = body.model;
      res.writeHead(200, { "content-type": "text/event-stream" });
      const send = (delta, finish = null) => res.write("data: " + JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] }) + "\n\n");
      if (d.tool) { send({ role: "assistant", tool_calls: [{ index: 0, id: "call_" + n, type: "function", function: { name: d.tool.name, arguments: JSON.stringify(d.tool.args) } }] }); send({}, "tool_calls"); }
      else { send({ role: "assistant", content: d.text }); send({}, "stop"); }
      res.write("data: " + JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105 } }) + "\n\n");
      res.end("data: [DONE]\n\n");
    });
  });
  return new Promise((r) => server.listen(port, "127.0.0.1", () => r(server)));
}

// ---------- minimal gateway WS client (token auth, no device identity) ----------
function connect(port) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`); let id = 0; const pending = new Map();
    const req = (method, params) => new Promise((res, rej) => { const i = String(++id); pending.set(i, { res, rej }); ws.send(JSON.stringify({ type: "req", id: i, method, params })); });
    ws.onerror = (e) => reject(new Error("ws error " + e.message));
    ws.onmessage = async (ev) => {
      const f = JSON.parse(ev.data);
      if (f.type === "event" && f.event === "connect.challenge") {
        try {
          await req("connect", { minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "0.0.0", platform: "linux", mode: "cli" }, role: "operator", scopes: ["operator.read", "operator.write"], caps: [], auth: { token: TOKEN } });
          resolve({ req, close: () => ws.close() });
        } catch (e) { reject(e); }
      } else if (f.type === "res") { const p = pending.get(f.id); pending.delete(f.id); f.ok ? p.res(f.payload) : p.rej(new Error(JSON.stringify(f.error))); }
    };
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "oc-e2e-"));
  const home = path.join(stateDir, "home"); fs.mkdirSync(home);
  const [gwPort, mockPort] = [await freePort(), await freePort()];
  const mock = await startMock(mockPort);
  const config = {
    gateway: { mode: "local", port: gwPort, bind: "loopback", auth: { mode: "token", token: TOKEN } },
    logging: { file: path.join(stateDir, "openclaw.log") },
    models: { mode: "replace", providers: { mock: { baseUrl: `http://127.0.0.1:${mockPort}/v1`, apiKey: "mock-key", api: "openai-completions",
      models: [{ id: "mock-1", name: "Mock", reasoning: false, input: ["text"], cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, contextWindow: 128000, maxTokens: 4096 }] } } },
    agents: { defaults: { model: { primary: "mock/mock-1" }, heartbeat: { every: "24h" } } },
    tools: { toolSearch: false },
    plugins: { allow: ["oc-probe"], load: { paths: [PLUGIN_DIR] }, entries: { "oc-probe": { enabled: true, hooks: { allowConversationAccess: true } } } },
  };
  if (process.env.NO_ALLOW) delete config.plugins.allow;
  fs.writeFileSync(path.join(stateDir, "openclaw.json"), JSON.stringify(config, null, 2));
  const gwLog = fs.openSync(path.join(stateDir, "gateway.stdout.log"), "w");
  const gw = spawn(process.execPath, [OC_BIN, "gateway", "run"], { env: { ...process.env, OPENCLAW_STATE_DIR: stateDir, HOME: home, NO_COLOR: "1" }, stdio: ["ignore", gwLog, gwLog], detached: true });
  let exited = false; gw.on("exit", () => (exited = true));
  console.log(`state=${stateDir} gateway pid=${gw.pid} port=${gwPort} mock=${mockPort}`);
  try {
    for (;;) {
      if (exited) throw new Error("gateway exited during startup; see " + stateDir);
      const ok = await fetch(`http://127.0.0.1:${gwPort}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() - t0 > 90_000) throw new Error("gateway not ready in 90 s");
      await sleep(250);
    }
    console.log(`gateway ready after ${since()}`);
    const c = await connect(gwPort);
    const send = async (sessionKey, message) => { const r = await c.req("chat.send", { sessionKey, message, idempotencyKey: "e2e-" + Math.random().toString(36).slice(2) }); await c.req("agent.wait", { runId: r.runId, timeoutMs: 30000 }); return r; };
    const history = async (sessionKey) => (await c.req("chat.history", { sessionKey })).messages;
    const texts = (msgs) => msgs.map((m) => m.role + ":" + (typeof m.content === "string" ? m.content : m.content.map((p) => p.text ?? (p.type === "toolCall" ? "toolCall(" + p.name + ")" : "")).join("")));
    const turnsFor = (key) => requests.filter((r) => r.session === key).length;

    await send("agent:main:a", "/ping hi");
    let h = texts(await history("agent:main:a"));
    check("plugin command /ping replies without a model call", h.some((t) => t.startsWith("assistant:PONG")) && turnsFor("agent:main:a") === 0, h.at(-1));

    await send("agent:main:a", "/goal start x");
    h = texts(await history("agent:main:a"));
    check("plugin command named goal shadows core /goal", h.at(-1) === "assistant:PLUGIN_GOAL args=start x", h.at(-1));

    await send("agent:main:b", "please CALL_ECHO");
    h = texts(await history("agent:main:b"));
    const tr = h.find((t) => t.startsWith("toolResult:"));
    check("model sees and calls echo_status; tool gets trusted sessionKey, not the argument", !!tr && tr.includes('"sessionKey":"agent:main:b"') && tr.includes('"argSessionKey":"agent:main:victim"'), tr);

    const before = turnsFor("agent:main:c");
    await send("agent:main:c", "/wake now");
    for (let i = 0; i < 40 && turnsFor("agent:main:c") === before; i++) await sleep(250);
    await sleep(3000); // give a duplicate turn time to show up
    check("enqueueSystemEvent + requestHeartbeat from a command → exactly one model turn", turnsFor("agent:main:c") - before === 1, `turns=${turnsFor("agent:main:c") - before}`);

    const beforeD = turnsFor("agent:main:d");
    await send("agent:main:d", "CALL_ECHO WAKE_FROM_TOOL");
    const afterRun = turnsFor("agent:main:d");
    for (let i = 0; i < 40 && turnsFor("agent:main:d") === afterRun; i++) await sleep(250);
    await sleep(3000);
    check("wake from inside a tool → exactly one extra turn after the run", afterRun - beforeD === 2 && turnsFor("agent:main:d") - afterRun === 1, `run turns=${afterRun - beforeD}, extra=${turnsFor("agent:main:d") - afterRun}`);
    check("other sessions untouched by the wakes", turnsFor("agent:main:a") === 0 && turnsFor("agent:main:b") === 2, `a=${turnsFor("agent:main:a")} b=${turnsFor("agent:main:b")}`);
    await send("agent:main:e", "CALL_REJECT");
    const he = await history("agent:main:e");
    console.log("INFO throwing tool →", JSON.stringify(he.filter((m) => m.role !== "user").map((m) => ({ role: m.role, isError: m.isError, content: m.content }))).slice(0, 900));
    console.log("INFO mock saw for e:", JSON.stringify(requests.filter((r) => r.session === "agent:main:e").map((r) => r.body.messages.filter((m) => m.role === "tool"))).slice(0, 600));
    await send("agent:main:f", "CALL_STOP");
    const hf = await history("agent:main:f");
    console.log("INFO terminate:true →", JSON.stringify(hf.map((m) => m.role + ":" + JSON.stringify(m.content).slice(0, 80))), "mock turns for f:", turnsFor("agent:main:f"));
    c.close();
  } finally {
    const s = Date.now();
    try { process.kill(-gw.pid, "SIGTERM"); } catch {}
    for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    if (!exited) { try { process.kill(-gw.pid, "SIGKILL"); } catch {} }
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    console.log(`gateway stopped in ${((Date.now() - s) / 1000).toFixed(1)}s (exited=${exited}); total ${since()}`);
    mock.close();
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
