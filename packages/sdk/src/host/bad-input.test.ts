import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createProbe, owner, type Probe } from "../../test/probe-plugin.js";
import { HostUsageError, PluginDefinitionError } from "../errors.js";
import type { HostEvent, HostEventName } from "../events.js";
import { type LeaseRequest, leaseLimits } from "../lease.js";
import {
  definePlugin,
  defineTool,
  type PluginApi,
  type PluginDefinition,
  type PluginHooks,
} from "../plugin.js";
import type { SessionContext } from "../session-context.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { createTestHost, ScriptedModel, type TestHost } from "../testing/index.js";
import { defaultHostLimits } from "./host-options.js";

let testHost: TestHost | undefined;

afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

async function start(options: { plugins?: PluginDefinition[]; probe?: Probe; model?: ScriptedModel } = {}) {
  const probe = options.probe ?? createProbe();
  const model = options.model ?? new ScriptedModel();
  const started = await createTestHost({ model, plugins: [probe.plugin, ...(options.plugins ?? [])] });
  testHost = started;
  await started.host.openSession({ sessionKey: "s1" });
  return { host: started.host, store: started.store, model, probe };
}

function record<Name extends HostEventName>(name: Name): HostEvent<Name>[] {
  const events: HostEvent<Name>[] = [];
  testHost?.host.on(name, (event) => events.push(event));
  return events;
}

/** The session still answers: one more user message gets a normal completed turn. */
async function expectSessionWorks(model: ScriptedModel): Promise<void> {
  model.push({ text: "still here" });
  const result = await testHost?.host.send({ sessionKey: "s1", text: "are you there?", sender: owner });
  expect(result?.kind === "turn" && result.turn).toMatchObject({
    outcome: { status: "completed" },
    text: "still here",
  });
}

async function sendText(text: string, sender = owner) {
  const result = await testHost?.host.send({ sessionKey: "s1", text, sender });
  if (result?.kind !== "turn") throw new Error(`expected a turn, got ${JSON.stringify(result)}`);
  return result.turn;
}

async function captureContext(probe: Probe): Promise<SessionContext> {
  await testHost?.host.send({ sessionKey: "s1", text: "/probe-unlease nothing", sender: owner });
  return probe.lastContext();
}

describe("invalid lease requests", () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ["an empty leaseKey", "leaseKey", { leaseKey: "" }],
    ["an 81-character leaseKey", "leaseKey", { leaseKey: "k".repeat(81) }],
    ["a leaseKey with a space", "leaseKey", { leaseKey: "a b" }],
    ["a leaseKey with a slash", "leaseKey", { leaseKey: "x/y" }],
    ["an empty message", "message", { message: "" }],
    ["a whitespace-only message", "message", { message: " \n\t " }],
    ["a message over the limit", "message", { message: "m".repeat(leaseLimits.maxMessageChars + 1) }],
    ["a negative delayMs", "delayMs", { delayMs: -1 }],
    ["a NaN delayMs", "delayMs", { delayMs: Number.NaN }],
    ["an infinite delayMs", "delayMs", { delayMs: Number.POSITIVE_INFINITY }],
    ["a delayMs over the limit", "delayMs", { delayMs: leaseLimits.maxDelayMs + 1 }],
    ["a fractional delayMs", "delayMs", { delayMs: 1.5 }],
    ["a string delayMs", "delayMs", { delayMs: "1000" }],
    ["a missing session", "session", { session: undefined }],
    ["a null session", "session", { session: null }],
    [
      "a condition on a write that is not a state write of the plugin's",
      "condition",
      { condition: { write: Promise.resolve({ status: "written", version: 1 }) } },
    ],
    [
      "a condition with a write and a version",
      "condition",
      { condition: { stateKey: "k", version: 1, write: 1 } },
    ],
  ];

  it.each(cases)("rejects %s as invalid_request naming %s", async (_name, field, patch) => {
    const { probe, store, model } = await start();
    const rejections = record("lease-rejected");
    const context = await captureContext(probe);
    const request: Record<string, unknown> = {
      session: context,
      leaseKey: "next",
      message: "go on",
      delayMs: 0,
      ...patch,
    };
    if (request.session === undefined) delete request.session;

    const workflow = probe.api().session.workflow;
    const result = await workflow.requestSessionContinuationLease(request as unknown as LeaseRequest);
    expect(result).toMatchObject({ status: "rejected", reason: "invalid_request" });
    const message = result.status === "rejected" ? result.message : "";
    expect(message).toContain(field);
    expect(message).not.toContain("\n");
    expect(rejections).toMatchObject([{ pluginId: "probe", reason: "invalid_request", message }]);
    expect(await store.listLeases()).toEqual([]);
    await expectSessionWorks(model);
  });

  it("accepts every field at its limit", async () => {
    const { probe, store } = await start();
    const result = await probe.api().session.workflow.requestSessionContinuationLease({
      session: await captureContext(probe),
      leaseKey: "k".repeat(80),
      message: "m".repeat(leaseLimits.maxMessageChars),
      delayMs: leaseLimits.maxDelayMs,
    });
    expect(result).toMatchObject({ status: "scheduled", replaced: false });
    expect(await store.listLeases()).toHaveLength(1);
  });
});

describe("clearing leases", () => {
  it("reports not_found for a lease that does not exist, and clears idempotently", async () => {
    const { probe, store, model } = await start();
    const { workflow } = probe.api().session;
    const session = await captureContext(probe);
    const clear = (leaseKey: string) => workflow.clearSessionContinuationLease({ session, leaseKey });
    expect(await clear("never")).toEqual({ status: "not_found" });

    await workflow.requestSessionContinuationLease({
      session,
      leaseKey: "next",
      message: "go",
      delayMs: 1_000,
    });
    expect(await clear("next")).toEqual({ status: "cleared" });
    expect(await clear("next")).toEqual({ status: "not_found" });
    expect(await store.listLeases()).toEqual([]);
    await testHost?.settle();
    await expectSessionWorks(model);
  });
});

describe("commands", () => {
  it("answers an unknown command with the available ones", async () => {
    const { host, model } = await start();
    const runs = record("command-run");
    const result = await host.send({ sessionKey: "s1", text: "/nope", sender: owner });
    expect(result).toMatchObject({ kind: "command", command: { status: "unknown", name: "nope" } });
    const reply = result.kind === "command" ? result.command.reply : "";
    expect(reply).toContain("/probe-lease");
    expect(reply).toContain("/probe-unlease");
    expect(reply).not.toContain("\n");
    expect(runs).toMatchObject([{ name: "nope", status: "unknown" }]);
    await expectSessionWorks(model);
  });

  it("denies an owner-only command to a non-owner and runs nothing", async () => {
    const { host, store, model, probe } = await start();
    const result = await host.send({
      sessionKey: "s1",
      text: "/probe-lease next 0 go",
      sender: { id: "guest", isOwner: false },
    });
    expect(result).toMatchObject({ kind: "command", command: { status: "denied", name: "probe-lease" } });
    expect(probe.contexts).toEqual([]);
    expect(await store.listLeases()).toEqual([]);
    await expectSessionWorks(model);
  });
});

describe("malformed tool calls", () => {
  const tooBig = { leaseKey: "next", message: "m".repeat(defaultHostLimits.maxToolInputChars) };
  const cases: [string, { name: string; input: unknown }, string][] = [
    ["an unknown tool", { name: "nope", input: {} }, 'Unknown tool "nope". Available tools: probe_continue'],
    ["a string input", { name: "probe_continue", input: "go" }, "Invalid input for probe_continue"],
    ["an array input", { name: "probe_continue", input: ["next", "go"] }, "Invalid input for probe_continue"],
    ["a null input", { name: "probe_continue", input: null }, "Invalid input for probe_continue"],
    ["an oversized input", { name: "probe_continue", input: tooBig }, "at most 16000 characters"],
    [
      "an input nested 6,000 levels deep",
      { name: "probe_continue", input: { leaseKey: nested(6_000), message: "go" } },
      "input must not nest deeper than 32 levels",
    ],
  ];

  it.each(cases)("answers %s with a tool error and completes the turn", async (_name, call, expected) => {
    const model = new ScriptedModel([{ toolCalls: [call] }, { text: "recovered" }]);
    const { store } = await start({ model });
    const toolEvents = record("tool-call");

    const turn = await sendText("do it");
    expect(turn).toMatchObject({ outcome: { status: "completed" }, text: "recovered" });
    const toolResult = model.requests[1]?.messages.at(-1);
    expect(toolResult).toMatchObject({ role: "tool", isError: true });
    expect(toolResult?.content).toContain(expected);
    expect(toolResult?.content).not.toContain("\n");
    expect(toolEvents).toMatchObject([{ name: call.name, status: "error" }]);
    expect(await store.listLeases()).toEqual([]);
    await expectSessionWorks(model);
  });
});

describe("a deeply nested tool input on the durable store", () => {
  it("is a tool error, and the transcript keeps the call without the input", async () => {
    const directory = mkdtempSync(join(tmpdir(), "goal-lease-nested-"));
    const store = SqliteStore.open(join(directory, "state.db"));
    const model = new ScriptedModel([
      { toolCalls: [{ name: "probe_continue", input: { leaseKey: nested(6_000), message: "go" } }] },
      { text: "recovered" },
    ]);
    const probe = createProbe();
    testHost = await createTestHost({ model, store, plugins: [probe.plugin] });
    await testHost.host.openSession({ sessionKey: "s1" });
    try {
      const turn = await sendText("do it");
      expect(turn).toMatchObject({ outcome: { status: "completed" }, text: "recovered" });
      const transcript = await store.readTranscript("s1", { generation: 1, limit: 10 });
      const call = transcript.find((entry) => entry.message.role === "assistant")?.message;
      expect(call).toMatchObject({ toolCalls: [{ name: "probe_continue", input: {} }] });
      await expectSessionWorks(model);
    } finally {
      await testHost.dispose();
      testHost = undefined;
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

/** An array nested `depth` levels deep: 12 KB of JSON at 6,000 levels. */
function nested(depth: number): unknown {
  let value: unknown = "x";
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

describe("model failures", () => {
  it("ends the turn with model_error when the model throws", async () => {
    const model = new ScriptedModel([{ error: "boom" }]);
    await start({ model });
    const turnEnds = record("turn-end");
    const turn = await sendText("hello");
    expect(turn.outcome).toMatchObject({ status: "error", kind: "model_error" });
    expect(turn.outcome.status === "error" && turn.outcome.message).toContain("boom");
    expect(turnEnds).toMatchObject([{ kind: "user", outcome: { status: "error", kind: "model_error" } }]);
    await expectSessionWorks(model);
  });

  it("ends the turn with model_timeout when the model hangs", async () => {
    const model = new ScriptedModel([{ hang: true }]);
    const { host } = await start({ model });
    const turnEnds = record("turn-end");
    const startedAt = testHost?.clock.now() ?? 0;
    const pending = host.send({ sessionKey: "s1", text: "hello", sender: owner });
    await testHost?.settle();
    const result = await pending;
    expect(result).toMatchObject({
      kind: "turn",
      turn: { outcome: { status: "error", kind: "model_timeout" } },
    });
    expect(testHost?.clock.now()).toBe(startedAt + defaultHostLimits.modelTimeoutMs);
    expect(turnEnds).toMatchObject([{ outcome: { kind: "model_timeout" } }]);
    await expectSessionWorks(model);
  });
});

describe("failing plugins", () => {
  it("sends a throwing tool's message back to the model as an error result", async () => {
    const exploding = definePlugin({
      id: "exploding",
      register(api) {
        api.registerTool(
          defineTool({
            name: "explode",
            description: "Always fails.",
            input: z.object({}),
            execute() {
              throw new Error("kaboom");
            },
          }),
        );
      },
    });
    const model = new ScriptedModel([{ toolCalls: [{ name: "explode", input: {} }] }, { text: "it failed" }]);
    await start({ model, plugins: [exploding] });
    const turn = await sendText("explode");
    expect(turn.outcome).toEqual({ status: "completed" });
    expect(model.requests[1]?.messages.at(-1)).toMatchObject({
      role: "tool",
      isError: true,
      content: "Tool explode failed: kaboom",
    });
    await expectSessionWorks(model);
  });

  it.each<keyof PluginHooks>(["user-message", "prompt-context", "turn-end"])(
    "reports a throwing %s hook as plugin-error and completes the turn",
    async (hook) => {
      const broken = definePlugin({
        id: "broken",
        register(api) {
          api.on(hook, () => {
            throw new Error(`${hook} broke`);
          });
        },
      });
      const model = new ScriptedModel([{ text: "fine" }]);
      await start({ model, plugins: [broken] });
      const errors = record("plugin-error");
      const turn = await sendText("hello");
      expect(turn).toMatchObject({ outcome: { status: "completed" }, text: "fine" });
      expect(errors).toMatchObject([{ pluginId: "broken", hook, message: `${hook} broke` }]);
      await expectSessionWorks(model);
    },
  );
});

describe("plugin definition errors", () => {
  const withCommand = (id: string, name: string) =>
    definePlugin({
      id,
      register: (api) => api.registerCommand({ name, description: "", execute: () => "ok" }),
    });
  const withTool = (id: string, name: string, input: z.ZodObject = z.object({})) =>
    definePlugin({
      id,
      register: (api) => api.registerTool(defineTool({ name, description: "", input, execute: () => "ok" })),
    });

  const cases: [string, PluginDefinition[], RegExp][] = [
    [
      "a command name used by two plugins",
      [withCommand("one", "same"), withCommand("two", "same")],
      /\/same/,
    ],
    ["a tool name used by two plugins", [withTool("one", "twin"), withTool("two", "twin")], /tool twin/],
    ["a bad plugin id", [withCommand("Bad Id", "fine")], /id must match/],
    ["a tool input that is not a zod object", [withTool("one", "loose", z.string() as never)], /zod object/],
  ];

  it.each(cases)("refuses %s at load time", async (_name, plugins, problem) => {
    const loading = createTestHost({ plugins });
    await expect(loading).rejects.toThrow(PluginDefinitionError);
    await expect(loading).rejects.toThrow(problem);
    await loading.catch((error: Error) => expect(error.message).not.toContain("\n"));
  });

  it("refuses a duplicate at host.loadPlugin and keeps nothing the failed plugin declared", async () => {
    const { host, model } = await start();
    const duplicate = definePlugin({
      id: "copycat",
      register(api) {
        api.registerCommand({ name: "fresh", description: "", execute: () => "fresh" });
        api.registerCommand({ name: "probe-lease", description: "", execute: () => "stolen" });
      },
    });
    await expect(host.loadPlugin(duplicate)).rejects.toThrow(/command \/probe-lease is already registered/);
    const fresh = await host.send({ sessionKey: "s1", text: "/fresh", sender: owner });
    expect(fresh).toMatchObject({ command: { status: "unknown" } });
    const original = await host.send({ sessionKey: "s1", text: "/probe-lease next 1000 go", sender: owner });
    expect(original.kind === "command" && original.command.reply).toContain('"status":"scheduled"');
    await expectSessionWorks(model);
  });

  it("refuses registrations after register() returned", async () => {
    let captured: PluginApi | undefined;
    const late = definePlugin({
      id: "late",
      register(api) {
        captured = api;
      },
    });
    const { host, model } = await start({ plugins: [late] });
    expect(() => captured?.registerCommand({ name: "later", description: "", execute: () => "" })).toThrow(
      PluginDefinitionError,
    );
    expect(() => captured?.on("turn-end", () => {})).toThrow(/inside register\(\)/);
    const later = await host.send({ sessionKey: "s1", text: "/later", sender: owner });
    expect(later).toMatchObject({ command: { status: "unknown" } });
    await expectSessionWorks(model);
  });
});

describe("host usage errors", () => {
  it("tells the caller to open a session before sending to it", async () => {
    const { host, model } = await start();
    const sending = host.send({ sessionKey: "never-opened", text: "hello", sender: owner });
    await expect(sending).rejects.toThrow(HostUsageError);
    await expect(sending).rejects.toThrow(/call host\.openSession/);
    await expectSessionWorks(model);
  });

  it.each(["", "   \n "])("refuses empty text %j", async (text) => {
    const { host, model } = await start();
    await expect(host.send({ sessionKey: "s1", text, sender: owner })).rejects.toThrow(HostUsageError);
    await expectSessionWorks(model);
  });
});
