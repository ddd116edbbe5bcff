import { MemoryStore } from "@goal-lease/sdk";
import { createTestHost, FakeClock, ScriptedModel, type ScriptedStep } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  createGoalHarness,
  type GoalHarness,
  owner,
  storedGoalWithEvents,
  turn,
} from "../test/goal-harness.js";
import { usageLimitBackoffMs } from "./goal-waits.js";
import { createGoalPlugin } from "./index.js";

let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

const limited = (retryAfterMs?: number): ScriptedStep => ({
  usageLimit: { retryAfterMs, message: "429 Rate limit reached for requests" },
});
const minutes = (count: number) => count * 60_000;

/** Runs the goal's first continuation, which comes due at once, without moving the clock further. */
async function firstTurn(h: GoalHarness): Promise<void> {
  await h.clock.runNext();
  await h.host.idle();
}

describe("a goal the provider refuses for a usage limit", () => {
  it("waits for the retry time the provider gave, spending nothing, then resumes once", async () => {
    harness = await createGoalHarness([limited(minutes(20)), ...turn("done", "finished")]);
    const startedAt = harness.clock.now();
    await harness.command("/goal start summarize the logs");
    await firstTurn(harness);
    const waiting = await harness.goal();
    expect(waiting).toMatchObject({
      status: "usage_limited",
      wakeAt: startedAt + minutes(20),
      continuations: 0,
      tokensUsed: 0,
      statusGate: "usage_limit",
    });
    expect(await harness.command("/goal status")).toContain(
      'Status: usage_limited (retries in 20m 00s; "Model scripted failed: 429 Rate limit reached for requests")',
    );

    await harness.clock.advance(minutes(19));
    await harness.host.idle();
    expect(harness.model.requests).toHaveLength(1);
    await harness.settle();
    expect(harness.model.requests).toHaveLength(2);
    expect(harness.clock.now()).toBe(startedAt + minutes(20));
    expect(harness.model.requests[1]?.messages.at(-1)?.content).toContain(
      "The provider refused the last turn for a usage limit, and its retry time has come",
    );
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "done", continuations: 1 });
    expect(goal?.usageLimitedTurns).toBeUndefined();
    // The refused turn is on record, not counted, and the wait cost no active time.
    expect(goal?.events).toContainEqual(
      expect.objectContaining({ type: "usage-limited", turn: 1, retryAfterMs: minutes(20) }),
    );
    expect(goal?.activeMsBefore).toBe(0);
  });

  it("backs off 1, 5, 15 and 60 minutes when no retry time is given, then stops and says so", async () => {
    harness = await createGoalHarness([limited(), limited(), limited(), limited(), limited()]);
    const startedAt = harness.clock.now();
    const calledAt: number[] = [];
    harness.host.on("model-call", () => calledAt.push(harness?.clock.now() ?? 0));
    await harness.command("/goal start summarize the logs");
    await harness.settle();
    expect(usageLimitBackoffMs).toEqual([minutes(1), minutes(5), minutes(15), minutes(60)]);
    expect(calledAt.map((at) => at - startedAt)).toEqual([
      0,
      minutes(1),
      minutes(6),
      minutes(21),
      minutes(81),
    ]);
    const goal = await harness.goal();
    expect(goal).toMatchObject({
      status: "usage_limited",
      continuations: 0,
      usageLimitedTurns: 5,
      statusReason: expect.stringMatching(
        /^the provider refused 5 goal turns in a row for a usage limit; resume once it has lifted/,
      ),
    });
    expect(goal?.wakeAt).toBeUndefined();
    expect(await harness.store.listLeases()).toEqual([]);
    expect(await harness.command("/goal status")).toContain('Status: usage_limited ("the provider refused 5');
  });

  it("resumes from the user after it stopped trying, with a fresh count", async () => {
    harness = await createGoalHarness([
      ...Array.from({ length: 5 }, () => limited()),
      limited(),
      ...turn("done", "back in business"),
    ]);
    await harness.command("/goal start summarize the logs");
    await harness.settle();
    expect(await harness.command("/goal resume")).toContain("Goal resumed.");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 1 });
  });

  it("lets a pause during the back-off win: no turn at the retry time", async () => {
    harness = await createGoalHarness([limited(minutes(5))]);
    await harness.command("/goal start summarize the logs");
    await firstTurn(harness);
    expect(await harness.command("/goal pause")).toContain("Goal paused.");
    await harness.settle();
    expect(harness.model.requests).toHaveLength(1);
    expect(await harness.goal()).toMatchObject({ status: "paused" });
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("runs the retry now when woken, once however many wakes", async () => {
    harness = await createGoalHarness([limited(minutes(60)), ...turn("done", "ok")]);
    const startedAt = harness.clock.now();
    await harness.command("/goal start summarize the logs");
    await firstTurn(harness);
    for (let wake = 0; wake < 3; wake++) await harness.command("/goal wake the limit was raised");
    await harness.settle();
    expect(harness.model.requests).toHaveLength(2);
    expect(harness.clock.now()).toBe(startedAt);
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 1 });
  });

  it("survives a restart: the next host retries at the same time, once", async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = await createTestHost({
      model: new ScriptedModel([limited(minutes(30))]),
      store,
      clock,
      plugins: [createGoalPlugin()],
    });
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.send({ sessionKey: "s1", text: "/goal start keep going", sender: owner });
    await clock.runNext();
    await first.host.idle();
    await first.dispose();
    const retryAt = clock.now() + minutes(30);

    const model = new ScriptedModel([
      { toolCalls: [{ name: "goal_status", input: { status: "done", note: "ok" } }] },
    ]);
    const second = await createTestHost({ model, store, clock, plugins: [createGoalPlugin()] });
    await second.host.openSession({ sessionKey: "s1" });
    await second.settle();
    expect(model.requests).toHaveLength(1);
    expect(clock.now()).toBe(retryAt);
    expect(await storedGoalWithEvents(store, "s1")).toMatchObject({ status: "done", continuations: 1 });
    await second.dispose();
  });
});
