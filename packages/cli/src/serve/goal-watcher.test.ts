import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost, MemoryStore } from "@goal-lease/sdk";
import { createTestHost, ScriptedModel } from "@goal-lease/sdk/testing";
import { describe, expect, it } from "vitest";
import { type GoalChange, GoalWatcher } from "./goal-watcher.js";

const owner = { id: "owner", isOwner: true };

describe("GoalWatcher", () => {
  it("tells every listener of each goal write once, and of a goal gone, from one poll loop", async () => {
    const store = new MemoryStore();
    const model = new ScriptedModel([
      { toolCalls: [{ name: "goal_status", input: { status: "waiting", wait_seconds: 3_600, note: "CI" } }] },
    ]);
    const host = await createHost({ model, store, plugins: [createGoalPlugin()] });
    await host.openSession({ sessionKey: "s1" });
    await host.openSession({ sessionKey: "no-goal" });
    await host.send({ sessionKey: "s1", text: "/goal start ship it", sender: owner });
    await expect
      .poll(async () => (await readStoredGoal(store, "s1"))?.status, { timeout: 30_000 })
      .toBe("waiting");

    const watcher = new GoalWatcher(store, { pollMs: 10 });
    const first: GoalChange[] = [];
    const second: GoalChange[] = [];
    const stopFirst = watcher.subscribe((change) => first.push(change));
    const stopSecond = watcher.subscribe((change) => second.push(change));
    const snapshot = await watcher.snapshot();
    expect(snapshot.map((goal) => [goal.session, goal.status])).toEqual([["s1", "waiting"]]);

    await host.send({ sessionKey: "s1", text: "/goal pause lunch", sender: owner });
    const statuses = () => first.flatMap((change) => (change.type === "goal" ? [change.goal.status] : []));
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(["waiting", "paused"]);
    await store.deleteState("goal", "s1", "goal");
    await expect.poll(() => first.at(-1), { timeout: 30_000 }).toEqual({ type: "removed", session: "s1" });
    expect(second).toEqual(first);
    expect(await watcher.snapshot()).toEqual([]);

    stopFirst();
    stopSecond();
    await host.close();
  });

  it("tells of a running goal's logged events, which do not write the goal, with the same version", async () => {
    const testHost = await createTestHost({
      model: new ScriptedModel([{ hang: true }]),
      plugins: [createGoalPlugin()],
    });
    const { host, store, clock } = testHost;
    await host.openSession({ sessionKey: "s1" });
    await host.send({ sessionKey: "s1", text: "/goal start ship it", sender: owner });
    // The first continuation starts and its model call hangs: the goal is active, mid-turn.
    await clock.runNext();
    const goal = await readStoredGoal(store, "s1");
    expect(goal?.status).toBe("active");

    const watcher = new GoalWatcher(store, { pollMs: 10 });
    const changes: GoalChange[] = [];
    const stop = watcher.subscribe((change) => changes.push(change));
    const [before] = await watcher.snapshot();
    const event = { at: clock.now(), type: "user-preempted", goalId: goal?.id ?? "" };
    await store.appendLog("goal", "s1", "goal", [event]);
    await expect
      .poll(() => changes.at(-1), { timeout: 30_000 })
      .toMatchObject({
        type: "goal",
        goal: { version: before?.version, lastEvent: expect.stringContaining("user-preempted") },
      });
    stop();
    await testHost.settle();
    await testHost.dispose();
  });
});
