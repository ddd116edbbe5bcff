import { afterEach, describe, expect, it } from "vitest";
import { contextFor, createProbe, owner } from "../../test/probe-plugin.js";
import type { TranscriptEntry } from "../store/store.js";
import { createTestHost, ScriptedModel, type TestHost } from "../testing/index.js";

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

describe("host turns", () => {
  it("runs a user turn through the model and records usage", async () => {
    const model = new ScriptedModel([{ text: "hello back", usage: { inputTokens: 7, outputTokens: 3 } }]);
    testHost = await createTestHost({ model });
    await testHost.host.openSession({ sessionKey: "s1" });
    const result = await testHost.host.send({ sessionKey: "s1", text: "hello", sender: owner });
    expect(result.kind).toBe("turn");
    if (result.kind !== "turn") return;
    expect(result.turn.text).toBe("hello back");
    expect(result.turn.outcome).toEqual({ status: "completed" });
    expect(result.turn.usage).toMatchObject({ inputTokens: 7, outputTokens: 3, modelCalls: 1 });
  });

  it("runs a continuation after a tool requests a lease", async () => {
    const probe = createProbe();
    const model = new ScriptedModel([
      { toolCalls: [{ name: "probe_continue", input: { leaseKey: "next", message: "keep going" } }] },
      { text: "scheduled" },
      { text: "continued" },
    ]);
    testHost = await createTestHost({ model, plugins: [probe.plugin] });
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "start", sender: owner });
    await testHost.settle();
    expect(probe.turnEnds.map((t) => t.event.kind)).toEqual(["user", "continuation"]);
    const continuation = model.requests[2]?.messages.at(-1);
    expect(continuation).toEqual({ role: "user", origin: "continuation", content: "keep going" });
  });
});

describe("turn contexts", () => {
  it("tell a plugin the lease key of its own continuation, and nothing of another plugin's", async () => {
    const mine = createProbe("mine");
    const other = createProbe("other");
    const model = new ScriptedModel([
      { toolCalls: [{ name: "other_continue", input: { leaseKey: "other-key", message: "x" } }] },
      { text: "done" },
      { text: "the other plugin's continuation" },
    ]);
    testHost = await createTestHost({ model, plugins: [mine.plugin, other.plugin] });
    await testHost.host.openSession({ sessionKey: "s1" });
    const context = await contextFor(testHost.host, mine, "s1", "mine");
    await mine.api().session.workflow.requestSessionContinuationLease({
      session: context,
      leaseKey: "mine-key",
      message: "go",
    });
    await testHost.settle();
    const ownTurnEnd = mine.turnEnds[0]?.context.turn;
    expect(ownTurnEnd).toEqual({ id: expect.any(String), kind: "continuation", leaseKey: "mine-key" });
    const otherView = other.contexts.find((seen) => seen.origin === "tool")?.turn;
    expect(otherView).toEqual({ id: ownTurnEnd?.id, kind: "continuation" });
    expect(Object.keys(otherView ?? {})).toEqual(["id", "kind"]);
  });
});

describe("review fixes", () => {
  it("refuses a tool whose nested object would let unknown keys through", async () => {
    const { z } = await import("zod");
    const { defineTool, definePlugin, PluginDefinitionError } = await import("../index.js");
    const plugin = definePlugin({
      id: "loose",
      register(api) {
        api.registerTool(
          defineTool({
            name: "loose_tool",
            description: "has a nested loose object",
            input: z.object({ inner: z.object({ value: z.string() }) }),
            execute: () => "ok",
          }),
        );
      },
    });
    const error = await createTestHost({ plugins: [plugin] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PluginDefinitionError);
    expect((error as Error).message).toMatch(
      /object at input\.inner must reject unknown keys; use z\.strictObject/,
    );
  });

  it("keeps a turn that outlives a reset from scheduling in the new generation", async () => {
    const probe = createProbe();
    let host: TestHost["host"] | undefined;
    const model = new ScriptedModel([
      async () => {
        await host?.resetSession("s1");
        return { toolCalls: [{ name: "probe_continue", input: { leaseKey: "k", message: "late" } }] };
      },
      { text: "done" },
    ]);
    testHost = await createTestHost({ model, plugins: [probe.plugin] });
    host = testHost.host;
    await host.openSession({ sessionKey: "s1" });
    await host.send({ sessionKey: "s1", text: "go", sender: owner });
    await testHost.settle();
    const toolResult = model.requests[1]?.messages.at(-1);
    expect(toolResult).toMatchObject({ role: "tool" });
    expect(JSON.parse((toolResult as { content: string }).content)).toMatchObject({
      status: "rejected",
      reason: "session_unavailable",
    });
    expect(await testHost.store.listLeases()).toEqual([]);
  });

  it("ends a turn whose store fails with a host_error outcome, and still runs the turn-end hooks", async () => {
    const { MemoryStore } = await import("../store/memory/memory-store.js");
    const store = new (class extends MemoryStore {
      override async appendTranscript(): Promise<void> {
        throw new Error("disk full");
      }
    })();
    const probe = createProbe();
    testHost = await createTestHost({ store, plugins: [probe.plugin] });
    await testHost.host.openSession({ sessionKey: "s1" });
    const result = await testHost.host.send({ sessionKey: "s1", text: "hello", sender: owner });
    expect(result.kind === "turn" && result.turn.outcome).toEqual({
      status: "error",
      kind: "host_error",
      message: "The host failed during the turn: disk full",
    });
    expect(probe.turnEnds.map(({ event }) => event.outcome.status)).toEqual(["error"]);
  });

  it("runs the turn-end hooks while the reply is on its way; a reply that fails makes the turn a host_error", async () => {
    const { MemoryStore } = await import("../store/memory/memory-store.js");
    let appends = 0;
    const store = new (class extends MemoryStore {
      override async appendTranscript(
        sessionKey: string,
        entries: readonly TranscriptEntry[],
      ): Promise<void> {
        // The input is written; the reply is not.
        if (++appends === 2) throw new Error("disk full");
        return super.appendTranscript(sessionKey, entries);
      }
    })();
    const probe = createProbe();
    const model = new ScriptedModel([{ text: "hello back" }]);
    testHost = await createTestHost({ store, model, plugins: [probe.plugin] });
    const ends: string[] = [];
    testHost.host.on("turn-end", (event) => ends.push(event.outcome.status));
    await testHost.host.openSession({ sessionKey: "s1" });
    const result = await testHost.host.send({ sessionKey: "s1", text: "hello", sender: owner });
    const failed = {
      status: "error",
      kind: "host_error",
      message: "The host failed during the turn: disk full",
    };
    expect(result.kind === "turn" && result.turn.outcome).toEqual(failed);
    // The hooks heard how the turn went; whether it is on record came after them, to the event and the result.
    expect(probe.turnEnds.map(({ event }) => event.outcome.status)).toEqual(["completed"]);
    expect(ends).toEqual(["error"]);
    expect(
      (await store.readTranscript("s1", { generation: 1, limit: 10 })).map((e) => e.message.role),
    ).toEqual(["user"]);
  });
});
