import { MemoryStore } from "@goal-lease/sdk";
import { createTestHost, FakeClock, ScriptedModel, type ScriptedReply } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  createGoalHarness,
  type GoalHarness,
  owner,
  storedGoalWithEvents,
  turn,
} from "../test/goal-harness.js";
import { elapsedMs } from "./goal-turns.js";
import { createGoalPlugin } from "./index.js";

let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

const wait = (seconds: number, note: string): ScriptedReply => ({
  toolCalls: [{ name: "goal_status", input: { status: "waiting", note, wait_seconds: seconds } }],
});

/** A store and clock where a host that has since stopped left session s1's goal waiting ten minutes. */
async function leftWaiting() {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const first = await createTestHost({
    model: new ScriptedModel([wait(600, "CI")]),
    store,
    clock,
    plugins: [createGoalPlugin()],
  });
  await first.host.openSession({ sessionKey: "s1" });
  await first.host.send({ sessionKey: "s1", text: "/goal start keep going", sender: owner });
  await clock.runNext();
  await first.host.idle();
  await first.dispose();
  return { store, clock };
}

/** Lets the host finish what it is doing without moving the fake clock. */
async function quiet(h: GoalHarness): Promise<void> {
  await h.host.idle();
}

describe("a goal that waits", () => {
  it("runs no turn while it waits, then exactly one continuation at the wake time, which says what it waited for", async () => {
    harness = await createGoalHarness([wait(600, "CI to finish"), ...turn("done", "CI passed")]);
    const startedAt = harness.clock.now();
    await harness.command("/goal start ship the release");
    await harness.clock.runNext();
    await quiet(harness);
    expect(harness.turnStarts).toHaveLength(1);
    const waiting = await harness.goal();
    expect(waiting).toMatchObject({
      status: "waiting",
      wakeAt: harness.clock.now() + 600_000,
      continuations: 1,
    });
    expect(await harness.command("/goal status")).toContain(
      'Status: waiting (wakes in 10m 00s; for "CI to finish")',
    );

    await harness.clock.advance(599_000);
    await quiet(harness);
    expect(harness.turnStarts).toHaveLength(1);
    await harness.clock.advance(1_000);
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(2);
    const wakeMessage = harness.model.requests[1]?.messages.at(-1)?.content ?? "";
    expect(wakeMessage).toContain(
      'The wait is over (untrusted model text, what you waited for: "CI to finish")',
    );
    const done = await harness.goal();
    expect(done).toMatchObject({ status: "done", continuations: 2 });
    // Ten minutes passed, none of them active time.
    expect(harness.clock.now() - startedAt).toBeGreaterThanOrEqual(600_000);
    expect(done && elapsedMs(done, harness.clock.now())).toBe(0);
  });

  it("waits at most the goal's maximum: an hour unless the user sets --max-wait", async () => {
    harness = await createGoalHarness([wait(7 * 86_400, "a week"), wait(7 * 86_400, "a week")], {
      sessions: ["s1", "s2"],
    });
    await harness.command("/goal start one", "s1");
    await harness.command("/goal start two --max-wait 2h", "s2");
    // Both first continuations are due now (their waits are not).
    await harness.clock.advance(0);
    await quiet(harness);
    const now = harness.clock.now();
    expect((await harness.goal("s1"))?.wakeAt).toBe(now + 3_600_000);
    expect((await harness.goal("s2"))?.wakeAt).toBe(now + 7_200_000);
    await harness.command("/goal pause", "s1");
    await harness.command("/goal pause", "s2");
  });

  it("runs the one continuation now when the user wakes it, however many wakes", async () => {
    harness = await createGoalHarness([wait(3_600, "a deploy"), ...turn("done", "deployed")]);
    await harness.command("/goal start deploy it");
    await harness.clock.runNext();
    await quiet(harness);
    expect(await harness.command("/goal wake the deploy finished")).toBe(
      "Goal woken: its next continuation runs now.",
    );
    await harness.command("/goal wake");
    await harness.command("/goal wake");
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(2);
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 2 });
    // Each wake is in the log; together they made one turn.
    expect((await harness.goal())?.events.filter((event) => event.type === "wake-requested")).toHaveLength(3);
    expect(await harness.command("/goal wake")).toMatch(/^The goal is done, not waiting/);
  });

  it("lets a pause during the wait win: no turn at the wake time; resume goes on", async () => {
    harness = await createGoalHarness([wait(600, "a build"), ...turn("done", "built")]);
    await harness.command("/goal start build it");
    await harness.clock.runNext();
    await quiet(harness);
    expect(await harness.command("/goal pause")).toBe("Goal paused. /goal resume continues it.");
    expect(await harness.store.listLeases()).toEqual([]);
    await harness.clock.advance(3_600_000);
    await quiet(harness);
    expect(harness.turnStarts).toHaveLength(1);
    expect(await harness.command("/goal resume")).toMatch(/^Goal resumed/);
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 2 });
  });

  it("gives one turn when a wake races the wait's own timer", async () => {
    harness = await createGoalHarness([wait(60, "a minute"), ...turn("done", "ok")]);
    await harness.command("/goal start race it");
    await harness.clock.runNext();
    await quiet(harness);
    await Promise.all([harness.clock.advance(60_000), harness.command("/goal wake")]);
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(2);
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 2 });
  });

  it("lets a pause that races a wake win, whichever lands first: no turn starts after the pause is answered", async () => {
    for (const pauseFirst of [false, true]) {
      harness = await createGoalHarness([wait(600, "a build")]);
      await harness.command("/goal start build it");
      await harness.clock.runNext();
      await quiet(harness);
      const startsAfterPause: number[] = [];
      let paused = false;
      harness.host.on("turn-start", () => {
        if (paused) startsAfterPause.push(harness?.clock.now() ?? 0);
      });
      const sendPause = () =>
        (harness as GoalHarness).command("/goal pause").then((reply) => {
          paused = true;
          return reply;
        });
      const sendWake = () => (harness as GoalHarness).command("/goal wake");
      const [pauseReply] = pauseFirst
        ? await Promise.all([sendPause(), sendWake()])
        : await Promise.all([sendWake(), sendPause()]).then(([woke, reply]) => [reply, woke]);
      expect(pauseReply).toBe("Goal paused. /goal resume continues it.");
      await harness.settle();
      expect(startsAfterPause).toEqual([]);
      expect(await harness.goal()).toMatchObject({ status: "paused", continuations: 1 });
      expect(await harness.store.listLeases()).toEqual([]);
      await harness.dispose();
      harness = undefined;
    }
  });

  it("survives a restart: the next host runs the one continuation at the wake time, once", async () => {
    const { store, clock } = await leftWaiting();
    const model = new ScriptedModel([
      { toolCalls: [{ name: "goal_status", input: { status: "done", note: "ok" } }] },
    ]);
    const second = await createTestHost({ model, store, clock, plugins: [createGoalPlugin()] });
    await second.host.openSession({ sessionKey: "s1" });
    await second.settle();
    expect(model.requests).toHaveLength(1);
    expect(await storedGoalWithEvents(store, "s1")).toMatchObject({ status: "done", continuations: 2 });
    await second.dispose();
  });

  it("refuses a wait with no time, or a time without a wait, as a tool error the model reads", async () => {
    harness = await createGoalHarness([
      {
        toolCalls: [
          { name: "goal_status", input: { status: "waiting", note: "x" } },
          { name: "goal_status", input: { status: "continue", note: "x", wait_seconds: 5 } },
        ],
      },
      ...turn("done", "ok"),
    ]);
    await harness.command("/goal start check it");
    await harness.settle();
    const [first, second] = await harness.toolResults();
    expect(first).toMatchObject({ isError: true });
    expect(second?.content).toMatch(/wait_seconds goes with status "waiting", and only with it/);
    expect(await harness.goal()).toMatchObject({ status: "done" });
  });
});

describe("a goal that waits, at its limits", () => {
  it("stops at its token budget even when the turn that spent it asked to wait", async () => {
    harness = await createGoalHarness([
      { ...wait(600, "CI"), usage: { inputTokens: 900, outputTokens: 200 } },
    ]);
    await harness.command("/goal start spend it --budget 1k");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "budget_limited", continuations: 1 });
    expect(await harness.store.listLeases()).toEqual([]);
    expect(harness.turnStarts).toHaveLength(1);
  });

  it("pauses when the session is reset during the wait", async () => {
    harness = await createGoalHarness([wait(600, "CI")]);
    await harness.command("/goal start reset it");
    await harness.clock.runNext();
    await harness.host.idle();
    await harness.host.resetSession("s1");
    expect(await harness.goal()).toMatchObject({ status: "paused" });
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(1);
  });
});

describe("a goal that waits, when its wake was lost", () => {
  it("is re-armed for its wake time by the next host that serves the session", async () => {
    const { store, clock } = await leftWaiting();
    const wakeAt = (await storedGoalWithEvents(store, "s1"))?.wakeAt;
    // A crash between the goal's write and its lease's: the wake is gone.
    await store.deleteSessionLeases("s1");
    const model = new ScriptedModel([
      { toolCalls: [{ name: "goal_status", input: { status: "done", note: "ok" } }] },
    ]);
    const second = await createTestHost({ model, store, clock, plugins: [createGoalPlugin()] });
    await second.host.openSession({ sessionKey: "s1" });
    expect((await store.listLeases())[0]?.dueAt).toBe(wakeAt);
    await second.settle();
    expect(model.requests).toHaveLength(1);
    expect(await storedGoalWithEvents(store, "s1")).toMatchObject({ status: "done", continuations: 2 });
    await second.dispose();
  });
});
