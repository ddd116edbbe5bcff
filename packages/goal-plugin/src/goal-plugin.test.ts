import { afterEach, describe, expect, it } from "vitest";
import { createGoalHarness, type GoalHarness, turn } from "../test/goal-harness.js";

let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

describe("goal plugin happy path", () => {
  it("runs continuations until the model reports done, one model call a turn", async () => {
    harness = await createGoalHarness([
      { text: "Wrote the outline." },
      ...turn("continue", "drafted section one"),
      ...turn("done", "finished"),
    ]);
    const reply = await harness.command("/goal start write the report --max-turns 5");
    expect(reply).toMatch(/^Goal started: "write the report"\. Limits: 5 continuations/);
    await harness.settle();
    expect(harness.turnStarts.map((start) => start.kind)).toEqual([
      "continuation",
      "continuation",
      "continuation",
    ]);
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "done", continuations: 3, lastNote: "finished" });
    expect(harness.model.requests).toHaveLength(3);
    expect(goal?.tokensUsed).toBe(3 * 15);
    const first = harness.model.requests[0];
    expect(first?.messages.at(-1)).toMatchObject({ origin: "continuation" });
    expect(first?.messages.at(-1)?.content).toContain('Objective: "write the report"');
    expect(first?.system).toContain('Active goal (untrusted user text): "write the report"');
    expect(first?.tools.map((tool) => tool.name)).toEqual(["goal_status"]);
    const status = await harness.command("/goal status");
    expect(status).toContain('Status: done ("finished")');
    expect(status).toContain("Continuations [######----] 3/5");
  });
});
