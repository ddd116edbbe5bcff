import { MemoryStore } from "@goal-lease/sdk";
import { createTestHost, ScriptedModel, type TestHost } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  createGoalHarness,
  type GoalHarness,
  owner,
  storedGoalWithEvents,
  turn,
} from "../test/goal-harness.js";
import { createGoalPlugin } from "./index.js";

let harness: GoalHarness | undefined;
let testHost: TestHost | undefined;
afterEach(async () => {
  await harness?.dispose();
  await testHost?.dispose();
  harness = testHost = undefined;
});

describe("the goal's event log", () => {
  it("lives beside the goal, not in it: the stored record stays small however long the goal runs", async () => {
    harness = await createGoalHarness([
      ...Array.from({ length: 30 }, (_, index) => ({ text: `step ${index + 1}` })),
    ]);
    await harness.command("/goal start keep going --max-turns 30");
    await harness.settle();
    const record = (await harness.store.readState("goal", "s1", "goal"))?.value as Record<string, unknown>;
    expect(record).not.toHaveProperty("events");
    expect(JSON.stringify(record).length).toBeLessThan(1_500);
    const goal = await harness.goal();
    expect(goal?.events.filter((event) => event.type === "continuation-ended")).toHaveLength(30);
    expect(await harness.command("/goal events 2")).toMatch(/^Last 2 of 9\d events/);
  });

  it("shows only the current goal's events after a goal replaced another in the session", async () => {
    harness = await createGoalHarness([...turn("done", "first done"), ...turn("done", "second done")]);
    await harness.command("/goal start first");
    await harness.settle();
    await harness.command("/goal start second");
    await harness.settle();
    const events = (await harness.command("/goal events 50")).split("\n");
    expect(events[0]).toMatch(/^Last \d+ of \d+ events for "second":$/);
    expect(events.join("\n")).not.toContain("first done");
    expect(events.join("\n")).toContain("second done");
  });

  it("moves the log of a goal stored with it inside out at the goal's next write, losing none", async () => {
    const store = new MemoryStore();
    const created = { at: 1, type: "created", objective: "old goal" };
    const scheduled = { at: 2, type: "lease-scheduled", reminder: false };
    await store.writeState(
      "goal",
      "s1",
      "goal",
      {
        formatVersion: 1,
        id: "old",
        objective: "old goal",
        status: "paused",
        createdAt: 1,
        updatedAt: 2,
        limits: { maxTurns: 10, tokenBudget: 1_000, timeBudgetMs: 60_000 },
        continuations: 0,
        tokensUsed: 0,
        activeMsBefore: 0,
        activeSince: null,
        lastNote: null,
        repeatedNote: null,
        lastReportTurnId: null,
        reminderUsed: false,
        countedLeaseIds: [],
        events: [created, scheduled],
        droppedEvents: 0,
      },
      0,
    );
    testHost = await createTestHost({ model: new ScriptedModel([]), store, plugins: [createGoalPlugin()] });
    await testHost.host.openSession({ sessionKey: "s1" });
    const command = async (text: string) => {
      const result = await testHost?.host.send({ sessionKey: "s1", text, sender: owner });
      return result?.kind === "command" ? result.command.reply : "";
    };
    expect(await command("/goal events")).toContain("Last 2 of 2 events");
    await command("/goal edit old goal, reworded");
    const record = (await store.readState("goal", "s1", "goal"))?.value as Record<string, unknown>;
    expect(record).not.toHaveProperty("events");
    const goal = await storedGoalWithEvents(store, "s1");
    expect(goal?.events.map((event) => event.type)).toEqual(["created", "lease-scheduled", "edited"]);
  });

  it("writes what a turn logged with the goal's next write in it, in order, and all of it by the turn's end", async () => {
    let appends = 0;
    class CountingStore extends MemoryStore {
      override async appendLog(...args: Parameters<MemoryStore["appendLog"]>) {
        appends++;
        return super.appendLog(...args);
      }
    }
    const store = new CountingStore();
    const model = new ScriptedModel([
      ...turn("continue", "one"),
      ...turn("continue", "two"),
      { text: "three" },
    ]);
    testHost = await createTestHost({ model, store, plugins: [createGoalPlugin()] });
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "/goal start go on --max-turns 3", sender: owner });
    const before = appends;
    await testHost.settle();
    // No append of its own: a turn's start goes with the goal's next write in it, the next continuation's
    // scheduling with the turn's end.
    expect(appends - before).toBe(0);
    const goal = await storedGoalWithEvents(store, "s1");
    const types = goal?.events
      .map((event) => event.type)
      .filter((type) => type !== "gate" && type !== "status");
    expect(types).toEqual([
      "created",
      "lease-scheduled",
      ...["continuation-started", "lease-scheduled", "continuation-ended"],
      ...["continuation-started", "lease-scheduled", "continuation-ended"],
      ...["continuation-started", "continuation-ended"],
    ]);
  });

  it("carries a turn's start into the goal's next write when its own append failed, losing none", async () => {
    let failAppend = false;
    class FailingStore extends MemoryStore {
      override async appendLog(...args: Parameters<MemoryStore["appendLog"]>) {
        if (failAppend) {
          failAppend = false;
          throw new Error("append failed (injected)");
        }
        return super.appendLog(...args);
      }
    }
    const store = new FailingStore();
    const model = new ScriptedModel([...turn("continue", "one"), { text: "two" }]);
    testHost = await createTestHost({ model, store, plugins: [createGoalPlugin()] });
    const errors: string[] = [];
    testHost.host.on("plugin-error", (event) => errors.push(event.message));
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "/goal start go on --max-turns 2", sender: owner });
    failAppend = true;
    await testHost.settle();
    expect(errors).toEqual([]);
    const goal = await storedGoalWithEvents(store, "s1");
    const types = goal?.events
      .map((event) => event.type)
      .filter((type) => type !== "gate" && type !== "status");
    expect(types).toEqual([
      "created",
      "lease-scheduled",
      ...["continuation-started", "lease-scheduled", "continuation-ended"],
      ...["continuation-started", "continuation-ended"],
    ]);
  });
});
