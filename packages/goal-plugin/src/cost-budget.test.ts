import type { PriceTable } from "@goal-lease/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { createGoalHarness, type GoalHarness, report } from "../test/goal-harness.js";
import { formatGoalCommand, parseGoalCommand } from "./index.js";

let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

// The scripted model priced: $1 a million input tokens, $10 a million output.
const prices: PriceTable = { asOf: "2025-01-01", models: { scripted: { input: 1, output: 10 } } };
// A turn of 20k input ($0.02) and 8k output ($0.08): ten cents.
const dime = { inputTokens: 20_000, outputTokens: 8_000 };

describe("dollar budget", () => {
  it("stops a goal at or under its ceiling: a wrap-up turn when less is left than a turn costs, capped there", async () => {
    harness = await createGoalHarness(
      [
        { text: "did the first part", usage: dime },
        { text: "did the second part", usage: dime },
        { text: "left it tidy, more to do", usage: dime },
      ],
      { prices },
    );
    await harness.command("/goal start tidy the logs --budget-usd 0.25");
    await harness.settle();
    const [, , wrapUp] = harness.model.requests;
    // $0.05 left: $0.02 of input leaves $0.03, 2,999 output tokens (the float below 3,000 is rounded down).
    expect(wrapUp?.maxOutputTokens).toBe(2_999);
    expect(wrapUp?.messages.at(-1)?.content).toContain("This is the goal's last turn: only");
    expect(wrapUp?.messages.at(-1)?.content).toContain("and $0.05 of its budget remain. Wrap up:");
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "budget_limited", statusGate: "cost_budget", continuations: 3 });
    expect(goal?.costUsd).toBeLessThanOrEqual(0.25);
    expect(goal?.costUsd).toBeGreaterThan(0.2499);
    expect(goal?.statusReason).toMatch(
      /^\$0\.25 of \$0\.25 spent; the turn stopped: the model's output reached/,
    );
    expect(goal?.events).toContainEqual(
      expect.objectContaining({ type: "wrap-up", usdLeft: expect.any(Number) }),
    );
    const ended = goal?.events.flatMap((event) => (event.type === "continuation-ended" ? [event] : []));
    expect(ended?.map((event) => event.costUsd)).toEqual([0.1, 0.1, expect.closeTo(0.05, 4)]);
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("stops at whichever ceiling is reached first: here the tokens", async () => {
    harness = await createGoalHarness(
      [
        { text: "one", usage: { inputTokens: 300, outputTokens: 300 } },
        { text: "two", usage: { inputTokens: 320, outputTokens: 60 } },
      ],
      { prices },
    );
    await harness.command("/goal start tidy the logs --budget 1k --budget-usd 5");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "budget_limited", statusGate: "token_budget" });
  });

  it("shows the spend beside the tokens in /goal status and the limits in the start reply", async () => {
    harness = await createGoalHarness([{ ...report("done", "all done"), usage: dime }], { prices });
    const reply = await harness.command("/goal start tidy the logs --budget-usd 2.5");
    expect(reply).toContain("500,000 tokens, $2.50, 1h 00m");
    await harness.settle();
    const status = await harness.command("/goal status");
    expect(status).toMatch(/Cost {10}\[-{10}\] \$0\.10\/\$2\.50/);
  });

  it("stops a goal whose model has no price at once, saying so, and never prices it as free", async () => {
    harness = await createGoalHarness([]);
    await harness.command("/goal start tidy the logs --budget-usd 1");
    await harness.settle();
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "budget_limited", statusGate: "cost_budget", continuations: 0 });
    expect(goal?.statusReason).toContain("model scripted has no price in the price table");
    expect(harness.model.requests).toHaveLength(0);
  });

  it("says a spend is unknown when a turn's model has no price", async () => {
    harness = await createGoalHarness([{ ...report("done", "all done") }]);
    await harness.command("/goal start tidy the logs");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "done", unpricedTurns: 1 });
    expect(await harness.command("/goal status")).toContain("unknown (1 unpriced turn)");
  });

  it("resumes with more dollars from the spend so far, and refuses a resume that does not raise them", async () => {
    harness = await createGoalHarness(
      [
        { text: "one", usage: dime },
        { text: "wrap", usage: dime },
        { ...report("done", "finished"), usage: dime },
      ],
      { prices },
    );
    await harness.command("/goal start tidy the logs --budget-usd 0.15");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "budget_limited", statusGate: "cost_budget" });
    const refusal = await harness.command("/goal resume");
    expect(refusal).toContain("Resume with --budget-usd DOLLARS to allow more.");
    expect(await harness.command("/goal resume --budget-usd 1")).toContain("Goal resumed.");
    await harness.settle();
    const goal = await harness.goal();
    expect(goal?.status).toBe("done");
    expect(goal?.limits.budgetUsd).toBeCloseTo(1.15, 4);
    expect(goal?.events).toContainEqual(
      expect.objectContaining({ type: "limits-raised", budgetUsd: goal?.limits.budgetUsd }),
    );
  });
});

describe("--budget-usd as a person writes it", () => {
  it.each([
    ["5", 5],
    ["0.50", 0.5],
    ["$12.75", 12.75],
  ])("reads %s as %d dollars, and writes it back as the same change", (written, dollars) => {
    const parsed = parseGoalCommand("goal", `start fix it --budget-usd ${written}`);
    expect(parsed).toEqual({ change: { verb: "start", input: { objective: "fix it", budgetUsd: dollars } } });
    if (!("change" in parsed)) throw new Error("not parsed");
    expect(parseGoalCommand("goal", formatGoalCommand("goal", parsed.change).slice(6))).toEqual(parsed);
  });

  it.each(["0", "-1", "5.12345", "lots", "100001"])("refuses %s in one line with the usage", (written) => {
    const parsed = parseGoalCommand("goal", `start fix it --budget-usd ${written}`);
    expect(parsed).toMatchObject({
      error: expect.stringContaining("--budget-usd needs an amount of US dollars"),
    });
  });
});
