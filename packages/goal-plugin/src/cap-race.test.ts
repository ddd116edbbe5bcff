import { createHost, type JsonValue, MemoryStore } from "@goal-lease/sdk";
import { FakeClock, ScriptedModel, settle } from "@goal-lease/sdk/testing";
import { describe, expect, it } from "vitest";
import { leaseKeyOf } from "./goal-controller.js";
import { goalStateLocation, readStoredGoal } from "./goal-reader.js";
import { createGoalPlugin } from "./index.js";

const owner = { id: "owner", isOwner: true };

describe("the cap, checked again as a continuation is admitted", () => {
  it("a continuation left pending for a goal already at its cap never runs: the goal stops there", async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = await createHost({
      model: new ScriptedModel([{ text: "did a part" }]),
      store,
      clock,
      plugins: [createGoalPlugin()],
    });
    await first.openSession({ sessionKey: "s1" });
    await first.send({ sessionKey: "s1", text: "/goal start write it --max-turns 2", sender: owner });
    await settle(first, clock);
    const entry = await store.readState(goalStateLocation.pluginId, "s1", goalStateLocation.key);
    const goal = await readStoredGoal(store, "s1");
    if (!entry || !goal) throw new Error("no goal");
    await first.close();
    // What a race left (a change applied while the goal's last turn ran): the goal active at its cap, and a
    // continuation pending for it.
    const atCap = { ...(entry.value as Record<string, JsonValue>), status: "active", continuations: 2 };
    await store.writeState(goalStateLocation.pluginId, "s1", goalStateLocation.key, atCap, entry.version);
    const now = clock.now();
    await store.putLease({
      pluginId: goalStateLocation.pluginId,
      sessionKey: "s1",
      leaseKey: leaseKeyOf(goal),
      id: "stray",
      message: "Goal continuation 3 of 2.",
      createdAt: now,
      dueAt: now,
      generation: 1,
    });
    const model = new ScriptedModel([{ text: "a turn past the cap" }]);
    const next = await createHost({ model, store, clock, plugins: [createGoalPlugin()] });
    try {
      await next.openSession({ sessionKey: "s1" });
      await settle(next, clock);
      expect(model.requests).toEqual([]);
      expect(await readStoredGoal(store, "s1")).toMatchObject({
        status: "turn_limited",
        continuations: 2,
        statusGate: "turn_cap",
      });
    } finally {
      await next.close();
    }
  });
});
