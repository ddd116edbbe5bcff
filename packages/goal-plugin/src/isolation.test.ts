import type { ModelRequest } from "@goal-lease/sdk";
import type { ScriptedStep } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createGoalHarness, type GoalHarness, report } from "../test/goal-harness.js";

let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

type Status = "continue" | "done" | "blocked" | "waiting_approval";

/**
 * Model steps that answer whichever session calls, in any order: a continuation for objective X gets the
 * next report of X's plan. Each planned report is one model call (the report closes its turn).
 */
function planned(plans: Record<string, [Status, string][]>): ScriptedStep[] {
  const queues = new Map(Object.entries(plans).map(([objective, plan]) => [objective, [...plan]]));
  const step = (request: ModelRequest) => {
    const last = request.messages.at(-1);
    const objective = [...queues.keys()].find((key) => last?.content.includes(`Objective: "${key}"`));
    const next = objective === undefined ? undefined : queues.get(objective)?.shift();
    if (!next) throw new Error(`no plan for ${JSON.stringify(last?.content)}`);
    return report(...next);
  };
  const calls = Object.values(plans).reduce((sum, plan) => sum + plan.length, 0);
  return Array.from({ length: calls }, () => step);
}

function sessionsOfTurns(h: GoalHarness): string[] {
  return h.turnStarts.map((start) => start.sessionKey);
}

describe("two sessions with goals", () => {
  it("run side by side, each counting only its own turns", async () => {
    harness = await createGoalHarness(
      planned({
        alpha: [
          ["continue", "a1"],
          ["continue", "a2"],
          ["done", "a3"],
        ],
        beta: [
          ["continue", "b1"],
          ["done", "b2"],
        ],
      }),
      { sessions: ["s1", "s2"] },
    );
    await harness.command("/goal start alpha --max-turns 5", "s1");
    await harness.command("/goal start beta --max-turns 5", "s2");
    await harness.settle();
    const order = sessionsOfTurns(harness);
    expect(order.slice(0, 2).sort()).toEqual(["s1", "s2"]);
    expect(order.filter((key) => key === "s1")).toHaveLength(3);
    expect(order.filter((key) => key === "s2")).toHaveLength(2);
    expect(await harness.goal("s1")).toMatchObject({
      objective: "alpha",
      status: "done",
      continuations: 3,
      tokensUsed: 45,
      lastNote: "a3",
    });
    expect(await harness.goal("s2")).toMatchObject({
      objective: "beta",
      status: "done",
      continuations: 2,
      tokensUsed: 30,
      lastNote: "b2",
    });
    for (const request of harness.model.requests) {
      const mentionsAlpha = request.system.includes('"alpha"');
      const mentionsBeta = request.system.includes('"beta"');
      expect(mentionsAlpha !== mentionsBeta).toBe(true);
    }
  });

  it("a gate in one session does not stop the other", async () => {
    harness = await createGoalHarness(
      planned({
        alpha: [
          ["continue", "a1"],
          ["continue", "a2"],
        ],
        beta: [
          ["continue", "b1"],
          ["continue", "b2"],
          ["continue", "b3"],
          ["done", "b4"],
        ],
      }),
      { sessions: ["s1", "s2"] },
    );
    // alpha's turns cost 15 tokens: two fit in 45, and the third's input and least output do not.
    await harness.command("/goal start alpha --budget 45", "s1");
    await harness.command("/goal start beta --budget 500", "s2");
    await harness.settle();
    expect(await harness.goal("s1")).toMatchObject({
      status: "budget_limited",
      continuations: 2,
      tokensUsed: 30,
    });
    expect(await harness.goal("s2")).toMatchObject({ status: "done", continuations: 4, tokensUsed: 60 });
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("commands and user turns in one session leave the other session's goal and lease alone", async () => {
    harness = await createGoalHarness([{ text: "hi from s2" }], { sessions: ["s1", "s2"] });
    await harness.command("/goal start alpha", "s1");
    const goal = await harness.goal("s1");
    const [lease] = await harness.store.listLeases();
    expect(lease?.sessionKey).toBe("s1");

    expect(await harness.command("/goal", "s2")).toMatch(/^No goal in this session/);
    expect(await harness.command("/goal pause", "s2")).toMatch(/^No goal in this session/);
    expect(await harness.command("/goal clear", "s2")).toBe("No goal to clear.");
    await harness.command("/goal start beta", "s2");
    await harness.command("/goal pause", "s2");
    await harness.send("hello", { sessionKey: "s2" });
    await harness.command("/goal clear", "s2");
    expect(harness.model.requests[0]?.system).not.toContain("alpha");

    expect(await harness.goal("s1")).toEqual(goal);
    expect(await harness.store.listLeases()).toEqual([lease]);
    expect((await harness.goal("s2"))?.status).toBe("cleared");
    await harness.command("/goal pause", "s1");
  });

  it("resetting one session pauses only its goal", async () => {
    harness = await createGoalHarness([], { sessions: ["s1", "s2"] });
    await harness.command("/goal start alpha", "s1");
    await harness.command("/goal start beta", "s2");
    await harness.host.resetSession("s1");
    expect(await harness.goal("s1")).toMatchObject({ status: "paused" });
    expect(await harness.goal("s2")).toMatchObject({ status: "active" });
    expect((await harness.store.listLeases()).map((lease) => lease.sessionKey)).toEqual(["s2"]);
    await harness.command("/goal pause", "s2");
    await harness.settle();
    expect(harness.turnStarts).toEqual([]);
  });
});
