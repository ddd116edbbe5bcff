import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../../test/probe-plugin.js";
import type { HostEvent } from "../../events.js";
import { createHost, type Host } from "../../index.js";
import type { Model, ModelResponse, ModelToolCall } from "../../model.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { SqliteStore } from "../../store/sqlite/sqlite-store.js";
import { createTestHost, FakeClock, ScriptedModel, type TestHost } from "../../testing/index.js";

// What a custom model or an embedding host may hand over as a tool input: code, not JSON data.
const throwingGetter = {
  leaseKey: "next",
  get message(): string {
    throw new Error("getter exploded");
  },
};
const nestedThrowingGetter = {
  leaseKey: "next",
  message: {
    get text(): string {
      throw new Error("nested getter exploded");
    },
  },
};
const throwingGetTrap = new Proxy(
  { leaseKey: "next", message: "go" },
  {
    get() {
      throw new Error("get trap exploded");
    },
  },
);
const throwingKeysTrap = new Proxy(
  { leaseKey: "next", message: "go" },
  {
    ownKeys() {
      throw new Error("ownKeys trap exploded");
    },
  },
);
const revokedProxy = (() => {
  const { proxy, revoke } = Proxy.revocable({ leaseKey: "next", message: "go" }, {});
  revoke();
  return proxy;
})();
const throwingToJson = {
  leaseKey: "next",
  message: "go",
  toJSON() {
    throw new Error("toJSON exploded");
  },
};
const cycle: Record<string, unknown> = { leaseKey: "next", message: "go" };
cycle.self = cycle;
const bigint = { leaseKey: "next", message: "go", count: 10n };
const deepToJson = { toJSON: () => ({ leaseKey: nested(100), message: "go" }) };
// Too deep for JSON.stringify itself: its stack overflows.
const overflowingToJson = { toJSON: () => ({ leaseKey: nested(100_000), message: "go" }) };
const stringToJson = { toJSON: () => "go" };

const cases: [string, unknown, string][] = [
  ["a getter that throws", throwingGetter, "input must be JSON"],
  ["a getter that throws on a nested object", nestedThrowingGetter, "input must be JSON"],
  ["a Proxy whose get trap throws", throwingGetTrap, "input must be JSON"],
  ["a Proxy whose ownKeys trap throws", throwingKeysTrap, "input must be JSON"],
  ["a revoked Proxy", revokedProxy, "input must be JSON"],
  ["a toJSON that throws", throwingToJson, "input must be JSON"],
  ["a cycle", cycle, "input must not nest deeper than 32 levels"],
  ["a BigInt", bigint, "input must be JSON"],
  ["a toJSON that nests 100 levels deep", deepToJson, "input must not nest deeper than 32 levels"],
  ["a toJSON that nests 100,000 levels deep", overflowingToJson, "input must be JSON"],
  ["a toJSON that makes a string", stringToJson, "input must be a JSON object"],
];

let testHost: TestHost | undefined;
let embedded: Host | undefined;
const directories: string[] = [];

afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
  await embedded?.close();
  embedded = undefined;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("a tool input that is code rather than data", () => {
  it.each(cases)(
    "answers %s with a tool error, emits the tool call, and keeps JSON",
    async (_name, input, problem) => {
      const directory = mkdtempSync(join(tmpdir(), "goal-lease-hostile-input-"));
      directories.push(directory);
      const store = SqliteStore.open(join(directory, "state.db"));
      const model = new ScriptedModel([
        { toolCalls: [{ name: "probe_continue", input }] },
        { text: "recovered" },
        { text: "still here" },
      ]);
      testHost = await createTestHost({ model, store, plugins: [createProbe().plugin] });
      const { host } = testHost;
      await host.openSession({ sessionKey: "s1" });
      const toolCalls: HostEvent<"tool-call">[] = [];
      host.on("tool-call", (event) => toolCalls.push(event));
      try {
        const first = await host.send({ sessionKey: "s1", text: "do it", sender: owner });
        expect(first).toMatchObject({
          kind: "turn",
          turn: { outcome: { status: "completed" }, text: "recovered" },
        });
        expect(toolCalls).toMatchObject([{ name: "probe_continue", status: "error" }]);
        expect(toolCalls[0]?.message).toBe(`Invalid input for probe_continue: ${problem}.`);
        expect(model.requests[1]?.messages.at(-1)).toMatchObject({ role: "tool", isError: true });
        expect(await store.listLeases()).toEqual([]);

        // The transcript kept plain JSON, so the session reads back and the next request is built from it.
        const transcript = await store.readTranscript("s1", { generation: 1, limit: 10 });
        const call = transcript.find((entry) => entry.message.role === "assistant")?.message;
        const kept = call?.role === "assistant" ? call.toolCalls[0]?.input : undefined;
        expect(JSON.parse(JSON.stringify(kept))).toEqual(kept);
        const second = await host.send({ sessionKey: "s1", text: "are you there?", sender: owner });
        expect(second).toMatchObject({ kind: "turn", turn: { outcome: { status: "completed" } } });
      } finally {
        await testHost.dispose();
        testHost = undefined;
        await store.close();
      }
    },
  );

  it("reads a changing getter once: the tool runs with what the transcript keeps", async () => {
    let reads = 0;
    const input = {
      message: "go",
      get leaseKey(): string {
        reads++;
        return `key-${reads}`;
      },
    };
    const model = new ScriptedModel([{ toolCalls: [{ name: "probe_continue", input }] }, { text: "done" }]);
    testHost = await createTestHost({ model, plugins: [createProbe().plugin] });
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "do it", sender: owner });

    const leases = await testHost.store.listLeases();
    const sent = model.requests[1]?.messages.at(-2);
    const kept = sent?.role === "assistant" ? sent.toolCalls[0]?.input : undefined;
    const keptKey = (kept as { leaseKey?: string } | undefined)?.leaseKey;
    expect(keptKey).toMatch(/^key-\d$/);
    expect(leases).toMatchObject([{ leaseKey: keptKey }]);
  });

  it("ends the turn as a model error, not a host error, when a tool call's name getter throws", async () => {
    const call = {
      id: "call_1",
      input: {},
      get name(): string {
        throw new Error("name getter exploded");
      },
    };
    // A custom model: the scripted one copies each call, and so would never hand this one over.
    const replies: ModelResponse[] = [
      { text: "", toolCalls: [call as ModelToolCall], usage: { inputTokens: 1, outputTokens: 1 } },
      { text: "still here", toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 } },
    ];
    const model: Model = { id: "custom", generate: async () => replies.shift() as ModelResponse };
    testHost = await createTestHost({ model, plugins: [createProbe().plugin] });
    await testHost.host.openSession({ sessionKey: "s1" });
    const first = await testHost.host.send({ sessionKey: "s1", text: "do it", sender: owner });
    expect(first).toMatchObject({
      kind: "turn",
      turn: {
        outcome: { status: "error", kind: "model_error", message: "Model returned a malformed response." },
      },
    });
    const second = await testHost.host.send({ sessionKey: "s1", text: "again", sender: owner });
    expect(second).toMatchObject({ kind: "turn", turn: { outcome: { status: "completed" } } });
  });
});

describe("an embedding host's tool call whose input is code", () => {
  it.each(cases)("answers %s with a tool error and emits the tool call", async (_name, input, problem) => {
    const host = await createHost({
      externalTurns: { deliverContinuation: async () => {} },
      plugins: [createProbe().plugin],
      store: new MemoryStore(),
      clock: new FakeClock(),
    });
    embedded = host;
    await host.openSession({ sessionKey: "s1" });
    const toolCalls: HostEvent<"tool-call">[] = [];
    host.on("tool-call", (event) => toolCalls.push(event));
    const turn = await host.external.turnStarted({ sessionKey: "s1" });
    if (turn.kind === "dropped") throw new Error("the turn was dropped");

    const result = await host.external.callTool({
      sessionKey: "s1",
      turnId: turn.turnId,
      name: "probe_continue",
      input,
    });
    expect(result).toEqual({ isError: true, content: `Invalid input for probe_continue: ${problem}.` });
    expect(toolCalls).toMatchObject([{ name: "probe_continue", status: "error" }]);
    await host.external.turnEnded({
      sessionKey: "s1",
      turnId: turn.turnId,
      usage: { inputTokens: 1, outputTokens: 1 },
    });
  });
});

/** An array nested `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = "x";
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}
