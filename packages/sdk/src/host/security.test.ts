import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner, type Probe } from "../../test/probe-plugin.js";
import type { HostEvent } from "../events.js";
import { type SessionContext, sessionContextBrand } from "../session-context.js";
import { createTestHost, ScriptedModel, type TestHost } from "../testing/index.js";
import type { Host } from "./host.js";
import { UntrustedContextError } from "./plugins/state-api.js";

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

async function start(options: { probes?: Probe[]; model?: ScriptedModel; sessions?: string[] } = {}) {
  const model = options.model ?? new ScriptedModel();
  const started = await createTestHost({
    model,
    plugins: (options.probes ?? [createProbe()]).map((p) => p.plugin),
  });
  testHost = started;
  for (const sessionKey of options.sessions ?? ["s1"]) await started.host.openSession({ sessionKey });
  const turnStarts: HostEvent<"turn-start">[] = [];
  started.host.on("turn-start", (event) => turnStarts.push(event));
  return { host: started.host, store: started.store, model, turnStarts };
}

/** Runs a probe command, which needs no model call, so the probe captures a host-minted context. */
async function captureContext(host: Host, probe: Probe, sessionKey = "s1"): Promise<SessionContext> {
  await host.send({ sessionKey, text: `/${probe.plugin.id}-unlease nothing`, sender: owner });
  return probe.lastContext();
}

const leaseOf = (session: SessionContext) => ({
  session,
  leaseKey: "next",
  message: "keep going",
  delayMs: 60_000,
});

describe("forged contexts", () => {
  const forgeries: [string, (real: SessionContext) => SessionContext][] = [
    [
      "an object literal with every field and the brand",
      (real) => ({
        sessionKey: real.sessionKey,
        agentId: real.agentId,
        channel: real.channel,
        sender: owner,
        origin: "command",
        [sessionContextBrand]: true,
      }),
    ],
    ["a spread copy of a real context", (real) => ({ ...real })],
    ["a frozen spread copy of a real context", (real) => Object.freeze({ ...real })],
  ];

  it.each(forgeries)("rejects %s as untrusted_session and stores nothing", async (_name, forge) => {
    const probe = createProbe();
    const { host, store, turnStarts } = await start({ probes: [probe] });
    const real = await captureContext(host, probe);
    const forged = forge(real);
    expect(forged[sessionContextBrand]).toBe(true);

    const result = await probe.api().session.workflow.requestSessionContinuationLease(leaseOf(forged));
    expect(result).toMatchObject({ status: "rejected", reason: "untrusted_session" });
    const cleared = await probe
      .api()
      .session.workflow.clearSessionContinuationLease({ session: forged, leaseKey: "x" });
    expect(cleared).toMatchObject({ status: "rejected", reason: "untrusted_session" });
    await testHost?.settle();
    expect(await store.listLeases()).toEqual([]);
    expect(turnStarts).toEqual([]);
  });

  it("rejects a context minted for plugin A when used through plugin B's api", async () => {
    const alpha = createProbe("alpha");
    const beta = createProbe("beta");
    const { host, store, turnStarts } = await start({ probes: [alpha, beta] });
    const alphaContext = await captureContext(host, alpha);

    const result = await beta.api().session.workflow.requestSessionContinuationLease(leaseOf(alphaContext));
    expect(result).toMatchObject({ status: "rejected", reason: "untrusted_session" });
    // state.get throws before it returns a promise; wrapping accepts that and a rejected promise alike.
    const read = Promise.resolve().then(() => beta.api().state.get(alphaContext, "goal"));
    await expect(read).rejects.toThrow(UntrustedContextError);
    await testHost?.settle();
    expect(await store.listLeases()).toEqual([]);
    expect(turnStarts).toEqual([]);
  });
});

describe("stale contexts", () => {
  const staleAfter: [string, (host: Host) => Promise<unknown>][] = [
    ["resetSession", (host) => host.resetSession("s1")],
    ["closeSession", (host) => host.closeSession("s1")],
    [
      "closeSession and reopening",
      async (host) => {
        await host.closeSession("s1");
        await host.openSession({ sessionKey: "s1" });
      },
    ],
  ];

  it.each(staleAfter)(
    "rejects a context captured before %s as session_unavailable",
    async (_name, invalidate) => {
      const probe = createProbe();
      const { host, store, turnStarts } = await start({ probes: [probe] });
      const old = await captureContext(host, probe);
      await invalidate(host);

      const result = await probe.api().session.workflow.requestSessionContinuationLease(leaseOf(old));
      expect(result).toMatchObject({ status: "rejected", reason: "session_unavailable" });
      await testHost?.settle();
      expect(await store.listLeases()).toEqual([]);
      expect(turnStarts).toEqual([]);
    },
  );

  it("accepts a fresh context minted after the reset", async () => {
    const probe = createProbe();
    const { host, store } = await start({ probes: [probe] });
    await host.resetSession("s1");
    const fresh = await captureContext(host, probe);
    const result = await probe.api().session.workflow.requestSessionContinuationLease(leaseOf(fresh));
    expect(result.status).toBe("scheduled");
    expect(await store.listLeases()).toMatchObject([{ sessionKey: "s1", leaseKey: "next", generation: 2 }]);
  });

  it("rejects clearing with a context captured before resetSession", async () => {
    const probe = createProbe();
    const { host, store } = await start({ probes: [probe] });
    const old = await captureContext(host, probe);
    await host.resetSession("s1");
    const fresh = await captureContext(host, probe);
    await probe.api().session.workflow.requestSessionContinuationLease(leaseOf(fresh));

    const result = await probe
      .api()
      .session.workflow.clearSessionContinuationLease({ session: old, leaseKey: "next" });
    expect(result).toMatchObject({ status: "rejected", reason: "session_unavailable" });
    expect(await store.listLeases()).toHaveLength(1);
  });

  it("refuses plugin state writes with a context captured before closeSession", async () => {
    const probe = createProbe();
    const { host, store } = await start({ probes: [probe] });
    const old = await captureContext(host, probe);
    await host.closeSession("s1");

    await expect(probe.api().state.set(old, "goal", "late", { expectedVersion: 0 })).rejects.toThrow(
      /reset or closed/,
    );
    expect(await store.readState("probe", "s1", "goal")).toBeUndefined();
  });
});

describe("an unloaded plugin", () => {
  it("can no longer look up, clear, request, read or write anything with its old contexts and api", async () => {
    const probe = createProbe();
    const { host, store } = await start({ probes: [probe] });
    const old = await captureContext(host, probe);
    const api = probe.api();
    await api.session.workflow.requestSessionContinuationLease(leaseOf(old));
    await api.state.set(old, "goal", "kept", { expectedVersion: 0 });
    host.unloadPlugin("probe");

    const { workflow } = api.session;
    const slot = { session: old, leaseKey: "next" };
    expect(await workflow.getSessionContinuationLease(slot)).toMatchObject({ reason: "plugin_unloaded" });
    expect(await workflow.clearSessionContinuationLease(slot)).toMatchObject({ reason: "plugin_unloaded" });
    expect(await workflow.requestSessionContinuationLease(leaseOf(old))).toMatchObject({
      reason: "plugin_unloaded",
    });
    await expect(api.state.get(old, "goal")).rejects.toThrow(/was unloaded/);
    await expect(api.state.set(old, "goal", "late", { expectedVersion: 1 })).rejects.toThrow(/was unloaded/);
    await expect(api.state.delete(old, "goal")).rejects.toThrow(/was unloaded/);
    expect(await store.listLeases()).toHaveLength(1);
    expect(await store.readState("probe", "s1", "goal")).toMatchObject({ value: "kept", version: 1 });
  });

  it("stays unloaded for its old contexts after a plugin with the same id is loaded again", async () => {
    const first = createProbe();
    const { host } = await start({ probes: [first] });
    const old = await captureContext(host, first);
    const oldApi = first.api();
    host.unloadPlugin("probe");
    const second = createProbe();
    await host.loadPlugin(second.plugin);
    const fresh = await captureContext(host, second);

    expect(await oldApi.session.workflow.requestSessionContinuationLease(leaseOf(fresh))).toMatchObject({
      reason: "plugin_unloaded",
    });
    expect(await second.api().session.workflow.requestSessionContinuationLease(leaseOf(old))).toMatchObject({
      reason: "plugin_unloaded",
    });
    expect(await second.api().session.workflow.requestSessionContinuationLease(leaseOf(fresh))).toMatchObject(
      {
        status: "scheduled",
      },
    );
  });
});

describe("routing fields are never inputs", () => {
  it.each(["agentId", "sessionKey", "channel"])(
    "seed defect 1: rejects a lease request with an extra %s field",
    async (field) => {
      const probe = createProbe();
      const { host, store } = await start({ probes: [probe], sessions: ["s1", "other"] });
      const context = await captureContext(host, probe);

      const result = await probe.api().session.workflow.requestSessionContinuationLease({
        ...leaseOf(context),
        [field]: "other",
      });
      expect(result).toMatchObject({ status: "rejected", reason: "invalid_request" });
      expect(result.status === "rejected" && result.message).toContain(field);
      expect(await store.listLeases()).toEqual([]);
    },
  );

  it("does not let the LeaseRequest type carry agentId, sessionKey or channel", async () => {
    const probe = createProbe();
    const { host, store } = await start({ probes: [probe] });
    const { requestSessionContinuationLease } = probe.api().session.workflow;
    const context = await captureContext(host, probe);
    const results = [
      await requestSessionContinuationLease({
        ...leaseOf(context),
        // @ts-expect-error agentId is part of the session, never a separate input
        agentId: "x",
      }),
      await requestSessionContinuationLease({
        session: context,
        leaseKey: "next",
        message: "keep going",
        // @ts-expect-error routing comes from the context alone
        sessionKey: "other",
      }),
      await requestSessionContinuationLease({
        session: context,
        leaseKey: "next",
        message: "keep going",
        // @ts-expect-error routing comes from the context alone
        channel: "elsewhere",
      }),
    ];
    for (const result of results)
      expect(result).toMatchObject({ status: "rejected", reason: "invalid_request" });
    expect(await store.listLeases()).toEqual([]);
  });
});

describe("model tool input cannot route", () => {
  it.each([
    ["sessionKey", { sessionKey: "other" }],
    ["agentId", { agentId: "x" }],
  ])("answers a probe_continue call carrying %s with a tool error", async (key, extra) => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "probe_continue", input: { leaseKey: "next", message: "go", ...extra } }] },
      { text: "could not schedule" },
      { text: "normal reply" },
    ]);
    const { host, store, turnStarts } = await start({ model, sessions: ["s1", "other"] });

    const first = await host.send({ sessionKey: "s1", text: "continue please", sender: owner });
    expect(first.kind === "turn" && first.turn.outcome).toEqual({ status: "completed" });
    const toolResult = model.requests[1]?.messages.at(-1);
    expect(toolResult).toMatchObject({ role: "tool", toolName: "probe_continue", isError: true });
    expect(toolResult?.content).toContain(key);
    await testHost?.settle();
    expect(await store.listLeases()).toEqual([]);

    const second = await host.send({ sessionKey: "s1", text: "and now?", sender: owner });
    expect(second.kind === "turn" && second.turn.text).toBe("normal reply");
    expect(turnStarts.map((event) => [event.sessionKey, event.kind])).toEqual([
      ["s1", "user"],
      ["s1", "user"],
    ]);
  });
});

describe("session isolation", () => {
  it("runs a lease requested in one session only in that session", async () => {
    const probe = createProbe();
    const model = new ScriptedModel([{ text: "hi b" }, { text: "continued a" }]);
    const { host, turnStarts } = await start({ probes: [probe], model, sessions: ["a", "b"] });

    const command = await host.send({ sessionKey: "a", text: "/probe-lease next 0 carry on", sender: owner });
    expect(command.kind === "command" && command.command.reply).toContain('"status":"scheduled"');
    await host.send({ sessionKey: "b", text: "hello b", sender: owner });
    await testHost?.settle();

    expect(turnStarts.map((event) => [event.sessionKey, event.kind])).toEqual([
      ["b", "user"],
      ["a", "continuation"],
    ]);
    const continuation = model.requests[1]?.messages ?? [];
    expect(continuation.at(-1)).toEqual({ role: "user", origin: "continuation", content: "carry on" });
    expect(continuation.some((message) => message.content === "hello b")).toBe(false);
  });

  it("scopes plugin state to the context's session", async () => {
    const probe = createProbe();
    const { host } = await start({ probes: [probe], sessions: ["a", "b"] });
    const contextA = await captureContext(host, probe, "a");
    const contextB = await captureContext(host, probe, "b");
    const { state } = probe.api();

    expect(await state.set(contextA, "goal", { text: "a's" }, { expectedVersion: 0 })).toEqual({
      status: "written",
      version: 1,
    });
    expect(await state.get(contextB, "goal")).toBeUndefined();
    expect(await state.set(contextB, "goal", "b's", { expectedVersion: 0 })).toMatchObject({
      status: "written",
    });
    expect(await state.get(contextA, "goal")).toEqual({ value: { text: "a's" }, version: 1 });
  });

  it("keeps transcripts apart", async () => {
    const model = new ScriptedModel([{ text: "reply a" }, { text: "reply b" }]);
    const { host, store } = await start({ model, sessions: ["a", "b"] });
    await host.send({ sessionKey: "a", text: "hello a", sender: owner });
    await host.send({ sessionKey: "b", text: "hello b", sender: owner });

    const contents = async (sessionKey: string) =>
      (await store.readTranscript(sessionKey, { generation: 1, limit: 100 })).map(
        (entry) => entry.message.content,
      );
    expect(await contents("a")).toEqual(["hello a", "reply a"]);
    expect(await contents("b")).toEqual(["hello b", "reply b"]);
    expect(model.requests[1]?.messages.map((message) => message.content)).toEqual(["hello b"]);
  });
});

describe("contexts are frozen", () => {
  it("freezes command and hook contexts and their parts", async () => {
    const probe = createProbe();
    const { host } = await start({ probes: [probe], model: new ScriptedModel([{ text: "hi" }]) });
    const commandContext = await captureContext(host, probe);
    await host.send({ sessionKey: "s1", text: "hello", sender: owner });
    const hookContext = probe.turnEnds[0]?.context;

    expect(hookContext?.turn).toMatchObject({ kind: "user" });
    for (const context of [commandContext, hookContext]) {
      expect(Object.isFrozen(context)).toBe(true);
      expect(Object.isFrozen(context?.sender)).toBe(true);
    }
    expect(Object.isFrozen(hookContext?.turn)).toBe(true);
  });

  it("throws on every mutation attempt and keeps the context intact", async () => {
    const probe = createProbe();
    const { host } = await start({ probes: [probe], sessions: ["s1", "other"] });
    const context = await captureContext(host, probe);
    const loose = context as unknown as Record<PropertyKey, unknown>;

    // Test files are ES modules, so strict mode turns a silent no-op into a TypeError.
    expect(() => {
      loose.sessionKey = "other";
    }).toThrow(TypeError);
    expect(() => {
      loose.agentId = "x";
    }).toThrow(TypeError);
    expect(() => {
      (context.sender as { isOwner: boolean }).isOwner = false;
    }).toThrow(TypeError);
    expect(() => {
      delete loose[sessionContextBrand];
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(context, "extra", { value: 1 })).toThrow(TypeError);

    expect(context).toMatchObject({ sessionKey: "s1", agentId: "main", sender: { isOwner: true } });
    const result = await probe.api().session.workflow.requestSessionContinuationLease(leaseOf(context));
    expect(result.status).toBe("scheduled");
    expect(await testHost?.store.listLeases()).toMatchObject([{ sessionKey: "s1" }]);
  });
});
