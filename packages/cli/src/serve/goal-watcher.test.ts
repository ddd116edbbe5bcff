import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost, MemoryStore } from "@goal-lease/sdk";
import { ScriptedModel } from "@goal-lease/sdk/testing";
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
});
