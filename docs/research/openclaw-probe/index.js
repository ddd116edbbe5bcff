import fs from "node:fs";
import { threadId } from "node:worker_threads";
import { definePluginEntry } from "openclaw/plugin-sdk/plugin-entry";
const LOG = process.env.OC_PROBE_LOG || "/tmp/oc-plugin-log.jsonl";
const INSTANCE = Math.random().toString(36).slice(2, 8);
let REG = 0;
const log = (kind, data) => fs.appendFileSync(LOG, JSON.stringify({ t: Date.now(), inst: INSTANCE, pid: process.pid, tid: threadId, kind, ...data }) + "\n");
const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o && o[k] !== undefined).map((k) => [k, o[k]]));

const wakeCounts = new Map();
const blocked = new Set();
export default definePluginEntry({
  id: "oc-probe",
  name: "OC Probe",
  description: "Throwaway probe plugin",
  register(api) {
    const reg = ++REG + ":" + api.registrationMode;
    let stateDir;
    try { stateDir = api.runtime.state.resolveStateDir(); } catch (e) { stateDir = "ERR " + e.message; }
    log("register", {
      registrationMode: api.registrationMode, stateDir, rootDir: api.rootDir, pluginConfig: api.pluginConfig,
      apiKeys: Object.keys(api).sort(), runtimeKeys: Object.keys(api.runtime || {}).sort(),
      systemKeys: Object.keys(api.runtime?.system || {}).sort(), stateKeys: Object.keys(api.runtime?.state || {}).sort(),
    });
    const wake = (sessionKey, agentId, text) => {
      const ok = api.runtime.system.enqueueSystemEvent(text, { sessionKey, agentId });
      api.runtime.system.requestHeartbeat({ source: "other", intent: "immediate", sessionKey, reason: "oc-probe" });
      log("wake", { sessionKey, agentId, enqueued: ok });
      return ok;
    };
    const ctxInfo = (ctx) => pick(ctx, ["sessionKey", "sessionId", "agentId", "senderIsOwner", "isAuthorizedSender", "args", "commandBody", "channel", "channelId", "senderId", "from", "to", "gatewayClientScopes", "messageChannel", "requesterSenderId"]);
    api.registerCommand({
      name: "ping", description: "probe ping", acceptsArgs: true, requireAuth: true,
      handler(ctx) { log("cmd.ping", { ctx: ctxInfo(ctx), ctxKeys: Object.keys(ctx).sort() }); return { text: "PONG " + JSON.stringify(ctxInfo(ctx)) }; },
    });
    api.registerCommand({
      name: (api.pluginConfig && api.pluginConfig.goalCommandName) || "goal", description: "probe goal shadow", acceptsArgs: true,
      handler(ctx) { log("cmd.goal", { ctx: ctxInfo(ctx) }); return { text: "PLUGIN_GOAL args=" + (ctx.args ?? "") }; },
    });
    api.registerCommand({
      name: "wake2", description: "double wake", acceptsArgs: true,
      handler(ctx) {
        const a = wake(ctx.sessionKey, ctx.agentId, "PROBE-EVENT A");
        const b = wake(ctx.sessionKey, ctx.agentId, "PROBE-EVENT B");
        return { text: "WAKE2 " + a + " " + b };
      },
    });
    api.registerCommand({
      name: "eventonly", description: "enqueue without heartbeat", acceptsArgs: true,
      handler(ctx) {
        const ok = api.runtime.system.enqueueSystemEvent("PROBE-EVENT eventonly", { sessionKey: ctx.sessionKey });
        return { text: "EVENTONLY " + ok };
      },
    });
    api.registerCommand({
      name: "kv", description: "keyed store probe", acceptsArgs: true,
      async handler(ctx) {
        try {
          const store = api.runtime.state.openKeyedStore({ namespace: "probe" });
          await store.set?.("k", { v: ctx.args });
          const v = await store.get?.("k");
          return { text: "KV ok " + JSON.stringify(v) + " methods=" + Object.keys(store).join(",") };
        } catch (e) { return { text: "KV error " + String(e && e.message || e) }; }
      },
    });
    api.registerCommand({
      name: "hbonly", description: "heartbeat without event", acceptsArgs: true,
      handler(ctx) {
        api.runtime.system.requestHeartbeat({ source: "other", intent: "immediate", sessionKey: ctx.sessionKey, reason: "oc-probe-hbonly" });
        return { text: "HBONLY" };
      },
    });
    api.registerCommand({
      name: "blockwake", description: "wake but deny at admission", acceptsArgs: true,
      handler(ctx) { blocked.add(ctx.sessionKey); fs.writeFileSync("/tmp/oc-block-" + ctx.sessionKey.replace(/[^a-z0-9]/gi, "_"), "1"); log("blockwake.add", { reg, key: ctx.sessionKey, size: blocked.size }); const ok = wake(ctx.sessionKey, ctx.agentId, "PROBE-EVENT blocked"); return { text: "BLOCKWAKE " + ok }; },
    });
    api.on("before_agent_reply", (event, ctx) => {
      log("hook.before_agent_reply", { reg, blockedHas: blocked.has(ctx.sessionKey), blockedSize: blocked.size, cleanedBody: String(event.cleanedBody).slice(0, 300), ctx: pick(ctx, ["sessionKey", "trigger", "runId"]) });
      const bf = "/tmp/oc-block-" + String(ctx.sessionKey).replace(/[^a-z0-9]/gi, "_");
      if (ctx.sessionKey && fs.existsSync(bf)) { fs.rmSync(bf); return { handled: true, reply: { text: "ADMISSION_DENIED" }, reason: "probe" }; }
    }, { eligibleTriggers: ["heartbeat"] });
    api.registerCommand({
      name: "wake", description: "probe wake", acceptsArgs: true,
      handler(ctx) {
        const ok = wake(ctx.sessionKey, ctx.agentId, "PROBE-EVENT from /wake " + (ctx.args ?? ""));
        return { text: "WAKE_SCHEDULED enqueued=" + ok + " key=" + ctx.sessionKey };
      },
    });
    api.registerTool((ctx) => {
      log("tool.factory", { ctx: ctxInfo(ctx), ctxKeys: Object.keys(ctx).sort() });
      return {
        name: "echo_status",
        label: "Echo status",
        description: "Returns the trusted session key of this tool call.",
        parameters: { type: "object", properties: { wake: { type: "boolean" }, chain: { type: "boolean" }, reject: { type: "boolean" }, stop: { type: "boolean" }, sessionKey: { type: "string" } }, additionalProperties: false },
        async execute(toolCallId, params) {
          log("tool.execute", { toolCallId, params, ctx: ctxInfo(ctx) });
          if (params?.reject && params.sessionKey && params.sessionKey !== ctx.sessionKey) throw new Error("echo_status: session " + params.sessionKey + " is not this session");
          if (params?.stop) return { content: [{ type: "text", text: "STOPPING" }], details: {}, terminate: true };
          let woke;
          if (params && params.wake) { const c = (wakeCounts.get(ctx.sessionKey) ?? 0) + 1; wakeCounts.set(ctx.sessionKey, c); woke = c <= 7 ? wake(ctx.sessionKey, ctx.agentId, "PROBE-EVENT from tool #" + c + (params.chain ? " CHAIN" : "")) : "capped"; }
          const details = { sessionKey: ctx.sessionKey, agentId: ctx.agentId, argSessionKey: params?.sessionKey, woke };
          return { content: [{ type: "text", text: "ECHO_STATUS " + JSON.stringify(details) }], details };
        },
      };
    }, { name: "echo_status" });
    for (const h of ["agent_end", "llm_output", "message_received", "before_agent_finalize", "model_call_ended", "session_start", "gateway_start", "gateway_stop"]) {
      try {
        api.on(h, (event, ctx) => { log("hook." + h, { event: h === "agent_end" ? { success: event.success, runId: event.runId, nmsg: event.messages?.length } : (h === "llm_output" ? { usage: event.usage, assistantTexts: event.assistantTexts, model: event.model } : Object.keys(event || {})), ctx: pick(ctx, ["sessionKey", "agentId", "runId", "trigger", "channel", "messageProvider"]) }); });
      } catch (e) { log("hook.register.error", { h, err: String(e) }); }
    }
  },
});
