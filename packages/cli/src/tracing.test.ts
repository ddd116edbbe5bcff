import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost, type LeaseRecord, MemoryStore } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { FakeClock, ScriptedModel, settle } from "@goal-lease/sdk/testing";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { type ReceivedSpan, startOtlpReceiver } from "../test/tracing/otlp-receiver.js";
import { exitCodes } from "./exit-codes.js";
import { startTracing, type Tracing } from "./tracing-option.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-tracing-"));
const hostScript = fileURLToPath(new URL("../test/tracing/killed-host.ts", import.meta.url));
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
beforeEach(() => {
  receiver.spans.length = 0;
});
afterAll(async () => {
  await receiver.close();
  rmSync(directory, { recursive: true, force: true });
});

const named = (name: string) => receiver.spans.filter((span) => span.name === name);
const childrenOf = (parent: ReceivedSpan) =>
  receiver.spans.filter((span) => span.parentSpanId === parent.spanId);

describe("goal-lease run --otlp", () => {
  it("sends the goal's span tree: the goal, a span per continuation turn, its model and tool calls", async () => {
    const test = createTestIo();
    const store = join(directory, "run.db");
    const args = ["run", "tidy the docs", "--otlp", receiver.url, "--store", store, "--session", "traced"];
    expect(await runCli(test.io, args)).toBe(exitCodes.done);

    const [goal, ...others] = named("invoke_agent goal");
    expect(others).toEqual([]);
    // The goal's trace begins with the span sent when it was started, a root; every span's parent was sent.
    const [root] = named("create_agent goal");
    expect(root?.parentSpanId).toBeFalsy();
    expect(goal?.parentSpanId).toBe(root?.spanId);
    const sent = new Set(receiver.spans.map((span) => span.spanId));
    expect(receiver.spans.filter((span) => span.parentSpanId && !sent.has(span.parentSpanId))).toEqual([]);
    const opened = SqliteStore.open(store);
    const stored = await readStoredGoal(opened, "traced").finally(() => opened.close());
    expect(stored?.trace).toEqual({ traceId: root?.traceId, spanId: root?.spanId });
    expect(goal).toMatchObject({ scope: "@goal-lease/goal-plugin" });
    expect(goal?.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "goal_lease.goal.status": "done",
      "goal_lease.goal.continuations": 5,
    });
    // The session is hashed, not named.
    expect(goal?.attributes["gen_ai.conversation.id"]).toMatch(/^[0-9a-f]{16}$/);
    if (!goal) throw new Error("no goal span");
    const turns = childrenOf(goal);
    expect(turns.map((span) => span.name)).toEqual(Array(5).fill("invoke_agent goal-lease"));
    for (const turn of turns) {
      expect(turn.traceId).toBe(goal.traceId);
      expect(turn.attributes).toMatchObject({
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.request.model": "demo (scripted, no AI)",
        "gen_ai.conversation.id": goal.attributes["gen_ai.conversation.id"],
        "goal_lease.turn.kind": "continuation",
        "goal_lease.turn.outcome": "completed",
      });
      expect(turn.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
      expect(turn.events.map((event) => event.name)).toContain("goal_lease.lease.wait");
      const calls = childrenOf(turn);
      expect(calls[0]).toMatchObject({ name: "chat demo (scripted, no AI)" });
      expect(calls[0]?.attributes).toMatchObject({ "gen_ai.operation.name": "chat" });
    }
    // The last turn reports done through goal_status: a tool call span beside its model call.
    const last = childrenOf(turns.at(-1) as ReceivedSpan).map((span) => span.name);
    expect(last).toEqual(["chat demo (scripted, no AI)", "execute_tool goal_status"]);
    // The goal span took each lease's scheduling as an event.
    expect(goal.events.filter((event) => event.name === "goal_lease.lease.scheduled").length).toBeGreaterThan(
      0,
    );
  });
});

/** A span processor that knows which spans are open. */
function openSpans(): SpanProcessor & { open: Set<string> } {
  const open = new Set<string>();
  return {
    open,
    onStart: (span) => open.add(span.spanContext().spanId),
    onEnd: (span) => open.delete(span.spanContext().spanId),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

describe("no span left open", () => {
  const owner = { id: "owner", isOwner: true };
  let tracing: Tracing | undefined;
  let counter: ReturnType<typeof openSpans>;
  beforeEach(() => {
    counter = openSpans();
    tracing = startTracing(`${receiver.url}/v1/traces`, [counter]);
  });
  const shutdown = async () => {
    await tracing?.shutdown();
    tracing = undefined;
  };
  afterAll(shutdown);

  it("after a pause", async () => {
    const clock = new FakeClock();
    const model = new ScriptedModel([{ text: "did a part" }]);
    const store = new MemoryStore();
    const host = await createHost({ model, store, clock, plugins: [createGoalPlugin()] });
    await host.openSession({ sessionKey: "s1" });
    await host.send({ sessionKey: "s1", text: "/goal start tidy up", sender: owner });
    await clock.runNext();
    await host.idle();
    expect(counter.open.size).toBeGreaterThan(0);
    await host.send({ sessionKey: "s1", text: "/goal pause", sender: owner });
    expect((await readStoredGoal(store, "s1"))?.status).toBe("paused");
    expect(counter.open).toEqual(new Set());
    await host.close();
    await shutdown();
    expect(named("invoke_agent goal")[0]?.attributes).toMatchObject({ "goal_lease.goal.status": "paused" });
  });

  it("while a usage limit's wait runs, and after it", async () => {
    const clock = new FakeClock();
    const model = new ScriptedModel([
      { usageLimit: { retryAfterMs: 60_000 } },
      { toolCalls: [{ name: "goal_status", input: { status: "done", note: "done" } }] },
    ]);
    const store = new MemoryStore();
    const host = await createHost({ model, store, clock, plugins: [createGoalPlugin()] });
    await host.openSession({ sessionKey: "s1" });
    await host.send({ sessionKey: "s1", text: "/goal start tidy up", sender: owner });
    await clock.runNext();
    await host.idle();
    expect((await readStoredGoal(store, "s1"))?.status).toBe("usage_limited");
    expect(counter.open).toEqual(new Set());
    await settle(host, clock);
    expect((await readStoredGoal(store, "s1"))?.status).toBe("done");
    expect(counter.open).toEqual(new Set());
    await host.close();
    await shutdown();
    const refused = named("invoke_agent goal-lease").find(
      (span) => span.attributes["goal_lease.turn.outcome"] === "error",
    );
    expect(refused?.status).toMatchObject({ code: 2 });
    expect(refused?.attributes["error.type"]).toBe("usage_limited");
  });

  it("after a crash: the process that takes the goal over closes its story with an interrupted span", async () => {
    const store = new MemoryStore();
    const first = await createHost({
      model: new ScriptedModel(),
      store,
      clock: new FakeClock(),
      plugins: [createGoalPlugin()],
    });
    await first.openSession({ sessionKey: "s1" });
    await first.send({ sessionKey: "s1", text: "/goal start survive a crash", sender: owner });
    await first.close();
    // What a kill mid-turn leaves: the lease claimed, its turn never finished, no span of it sent (its
    // process's open spans die with it).
    counter.open.clear();
    const [lease] = (await store.listLeases()) as [LeaseRecord];
    await store.claimLease(lease, lease.id);
    const clock = new FakeClock();
    const next = await createHost({
      model: new ScriptedModel(),
      store,
      clock,
      plugins: [createGoalPlugin()],
    });
    await settle(next, clock);
    await next.close();
    expect(counter.open).toEqual(new Set());
    await shutdown();
    const [interrupted] = named("interrupted");
    expect(interrupted?.status).toMatchObject({ code: 2 });
    expect(interrupted?.attributes).toMatchObject({
      "goal_lease.lease.id": lease.id,
      "error.type": "interrupted",
    });
    // One story: the interrupted span hangs under the span that began the goal, sent by the first process.
    const goal = await readStoredGoal(store, "s1");
    const [root] = named("create_agent goal");
    expect(goal?.trace).toEqual({ traceId: root?.traceId, spanId: root?.spanId });
    expect(interrupted).toMatchObject({ traceId: root?.traceId, parentSpanId: root?.spanId });
    expect(goal?.status).toBe("paused");
  });

  it("after a SIGKILL mid-turn: the next owner closes the story with an interrupted span in the goal's trace", async () => {
    const path = join(directory, "killed.db");
    const child = spawn(process.execPath, [hostScript, path, `${receiver.url}/v1/traces`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    for await (const line of lines) if (line === "model-call 2") break;
    child.kill("SIGKILL");
    await once(child, "exit");
    counter.open.clear();
    const store = SqliteStore.open(path);
    const next = await createHost({
      model: new ScriptedModel(),
      store,
      plugins: [createGoalPlugin()],
      recovery: "continuous",
      ownership: { ttlMs: 1_000 },
    });
    try {
      await vi.waitFor(async () => expect((await readStoredGoal(store, "s1"))?.status).toBe("paused"), {
        timeout: 15_000,
        interval: 100,
      });
    } finally {
      await next.close();
    }
    const goal = await readStoredGoal(store, "s1");
    await store.close();
    expect(counter.open).toEqual(new Set());
    await shutdown();
    const traceId = goal?.trace?.traceId;
    const story = receiver.spans.filter((span) => span.traceId === traceId).map((span) => span.name);
    // The killed process sent its first turn before it died; the next owner ends the story.
    expect(story).toContain("create_agent goal");
    expect(story).toContain("invoke_agent goal-lease");
    expect(story).toContain("interrupted");
    const [interrupted] = named("interrupted");
    expect(interrupted?.status).toMatchObject({ code: 2 });
  }, 30_000);
});
