import type { ScriptedStep } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createGoalHarness, type GoalHarness, parsedResult, report, turn } from "../test/goal-harness.js";
import type { GoalEvent } from "./index.js";

let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

/** `count` continuation turns that each say continue, with distinct notes. */
function continuing(count: number, prefix = "step"): ScriptedStep[] {
  return Array.from({ length: count }, (_, index) => turn("continue", `${prefix} ${index + 1} done`)).flat();
}

function gates(events: GoalEvent[] | undefined): string[] {
  return (events ?? []).flatMap((event) => (event.type === "gate" ? [event.gate] : []));
}

describe("continuation cap", () => {
  it("stops a model that always says continue at exactly the default cap of 10", async () => {
    harness = await createGoalHarness(continuing(10));
    await harness.command("/goal start refactor everything");
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(10);
    expect(harness.turnStarts.every((start) => start.kind === "continuation")).toBe(true);
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "turn_limited", continuations: 10, lastNote: "step 10 done" });
    expect(gates(goal?.events)).toEqual(["turn_cap"]);
    expect(goal?.events.filter((event) => event.type === "status")).toEqual([
      expect.objectContaining({ from: "active", to: "turn_limited", by: "gate" }),
    ]);
    expect(await harness.store.listLeases()).toEqual([]);
    const last = parsedResult((await harness.toolResults()).at(-1));
    expect(last).toMatchObject({ accepted: true, status: "turn_limited" });
    expect(String(last.message)).toContain("10 of 10 continuations used");
  });

  it("honours a --max-turns override", async () => {
    harness = await createGoalHarness(continuing(3));
    expect(await harness.command("/goal start refactor everything --max-turns 3")).toContain(
      "3 continuations",
    );
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(3);
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "turn_limited", continuations: 3 });
    expect(gates(goal?.events)).toEqual(["turn_cap"]);
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("stops at the cap when the last allowed turn ends without goal_status", async () => {
    harness = await createGoalHarness([{ text: "I did some work." }]);
    await harness.command("/goal start refactor everything --max-turns 1");
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(1);
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "turn_limited", continuations: 1 });
    expect(gates(goal?.events)).toEqual(["turn_cap"]);
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("refuses a plain resume after the cap and names --max-turns; a raised cap continues", async () => {
    harness = await createGoalHarness([{ text: "I did some work." }, ...turn("done", "all done")]);
    await harness.command("/goal start refactor everything --max-turns 1");
    await harness.settle();
    const capped = await harness.goal();
    expect(capped?.status).toBe("turn_limited");
    const refusal = await harness.command("/goal resume");
    expect(refusal).toMatch(/^Cannot resume: 1 of 1 continuation used/);
    expect(refusal).toContain("--max-turns");
    expect(await harness.goal()).toEqual(capped);
    expect(await harness.store.listLeases()).toEqual([]);

    expect(await harness.command("/goal resume --max-turns 1")).toContain(
      "Goal resumed. Limits: 2 continuations",
    );
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(2);
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 2, lastNote: "all done" });
  });
});

describe("token budget", () => {
  it("holds: a turn whose input does not fit in what is left is not started", async () => {
    // Each turn is one model call of 10 input and 5 output tokens. After 30 of 50, the next call's 10 input
    // tokens and the 16 output tokens a call must be allowed do not fit in 20.
    harness = await createGoalHarness(continuing(2));
    await harness.command("/goal start summarize the logs --budget 50");
    await harness.settle();
    expect(harness.model.requests).toHaveLength(2);
    const goal = await harness.goal();
    expect(goal).toMatchObject({
      status: "budget_limited",
      tokensUsed: 30,
      continuations: 2,
      statusReason:
        "30 of 50 tokens used; the turn was not started: its next model call needs about 10 input tokens and 20 of its 20 remain.",
    });
    expect(gates(goal?.events)).toEqual(["token_budget"]);
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("holds: each call's output is capped at what is left, so the goal ends at its budget, not past it", async () => {
    const long: ScriptedStep[] = [
      { text: "a very long report", usage: { inputTokens: 400, outputTokens: 2_000 } },
    ];
    harness = await createGoalHarness(long);
    await harness.command("/goal start summarize the logs --budget 1k");
    await harness.settle();
    expect(harness.model.requests[0]?.maxOutputTokens).toBe(600);
    expect(await harness.goal()).toMatchObject({
      status: "budget_limited",
      tokensUsed: 1_000,
      continuations: 1,
      statusReason:
        "1,000 of 1,000 tokens used; the turn stopped: the model's output reached the turn's token ceiling of 1000.",
    });
    expect(await harness.command("/goal status")).toContain("Tokens        [##########] 1,000/1,000");
  });

  it("gives the model one wrap-up turn when less is left than a turn costs, then stops", async () => {
    harness = await createGoalHarness([
      { text: "did the first half", usage: { inputTokens: 300, outputTokens: 300 } },
      { text: "left it tidy", usage: { inputTokens: 320, outputTokens: 60 } },
    ]);
    await harness.command("/goal start summarize the logs --budget 1k");
    await harness.settle();
    const [, wrapUp] = harness.model.requests;
    expect(wrapUp?.maxOutputTokens).toBe(80);
    expect(wrapUp?.messages.at(-1)?.content).toContain(
      "This is the goal's last turn: only 400 tokens of its budget remain. Wrap up:",
    );
    const goal = await harness.goal();
    expect(goal).toMatchObject({
      status: "budget_limited",
      tokensUsed: 980,
      continuations: 2,
      lastNote: "left it tidy",
      statusReason: "980 of 1,000 tokens used; the wrap-up turn has ended",
    });
    expect(goal?.events).toContainEqual(expect.objectContaining({ type: "wrap-up", tokensLeft: 400 }));
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("ends as done when the model finishes in its wrap-up turn", async () => {
    harness = await createGoalHarness([
      { text: "most of it", usage: { inputTokens: 300, outputTokens: 300 } },
      { ...report("done", "finished in time"), usage: { inputTokens: 320, outputTokens: 40 } },
    ]);
    await harness.command("/goal start summarize the logs --budget 1k");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({
      status: "done",
      tokensUsed: 960,
      lastNote: "finished in time",
    });
  });

  it("resumes with a raised budget, keeping its history, and refuses a resume that does not raise it", async () => {
    harness = await createGoalHarness([
      ...continuing(2),
      ...turn("continue", "more"),
      ...turn("done", "finished"),
    ]);
    await harness.command("/goal start summarize the logs --budget 50");
    await harness.settle();
    const limited = await harness.goal();
    expect(limited?.status).toBe("budget_limited");

    const refusal = await harness.command("/goal resume");
    expect(refusal).toMatch(/^Cannot resume: 30 of 50 tokens used; the turn was not started/);
    expect(refusal).toContain("Resume with --budget TOKENS to allow more.");
    expect(await harness.goal()).toEqual(limited);

    expect(await harness.command("/goal resume --budget 1000")).toContain("1,030 tokens");
    await harness.settle();
    expect(harness.model.requests).toHaveLength(4);
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "done", tokensUsed: 60, continuations: 4, lastNote: "finished" });
    expect(goal?.limits.tokenBudget).toBe(1_030);
    expect(goal?.events).toContainEqual(
      expect.objectContaining({ type: "limits-raised", tokenBudget: 1_030 }),
    );
    // Raised in place: the turns before the raise are still the goal's.
    const ended = goal?.events.filter((event) => event.type === "continuation-ended") ?? [];
    expect(ended.map((event) => event.type === "continuation-ended" && event.turn)).toEqual([1, 2, 3, 4]);
  });
});

describe("time budget", () => {
  it("stops at time_limited when the goal's active time passes the budget", async () => {
    let h: GoalHarness | undefined;
    const slow: ScriptedStep = async () => {
      await h?.clock.advance(61_000);
      return report("continue", "a slow step");
    };
    harness = h = await createGoalHarness([slow]);
    await harness.command("/goal start index the archive --time 1m");
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(1);
    const goal = await harness.goal();
    expect(goal?.status).toBe("time_limited");
    expect(gates(goal?.events)).toEqual(["time_budget"]);
    expect(parsedResult((await harness.toolResults())[0])).toMatchObject({
      accepted: true,
      status: "time_limited",
    });
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("does not count paused time, and a resume with more time continues", async () => {
    let h: GoalHarness | undefined;
    const after =
      (ms: number, note: string): ScriptedStep =>
      async () => {
        await h?.clock.advance(ms);
        return report("continue", note);
      };
    harness = h = await createGoalHarness([
      after(30_000, "part one"),
      after(40_000, "part two"),
      ...turn("done", "finished"),
    ]);
    await harness.command("/goal start index the archive --time 1m");
    await harness.command("/goal pause");
    await harness.clock.advance(10 * 60_000);
    expect(harness.turnStarts).toEqual([]);
    expect(await harness.command("/goal resume")).toContain("Goal resumed");
    await harness.settle();
    // 30 s of work passes; 70 s does not, whatever the ten paused minutes.
    expect(harness.turnStarts).toHaveLength(2);
    const limited = await harness.goal();
    expect(limited).toMatchObject({ status: "time_limited", continuations: 2 });
    expect(gates(limited?.events)).toEqual(["time_budget"]);
    const refusal = await harness.command("/goal resume");
    expect(refusal).toMatch(/^Cannot resume: 1m 10s of 1m 00s used/);
    expect(refusal).toContain("--time");
    expect(await harness.command("/goal resume --time 5m")).toContain("Goal resumed");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 3 });
  });
});

describe("no progress", () => {
  it("blocks a goal whose continue note repeats three times, ignoring case and punctuation", async () => {
    harness = await createGoalHarness([
      ...turn("continue", "Still working on it."),
      ...turn("continue", "still working on it"),
      ...turn("continue", "STILL working -- on it!"),
    ]);
    await harness.command("/goal start fix the flaky test");
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(3);
    const goal = await harness.goal();
    expect(goal?.status).toBe("blocked");
    expect(gates(goal?.events)).toEqual(["no_progress"]);
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("starts a fresh count on resume and on a different note", async () => {
    harness = await createGoalHarness([
      ...turn("continue", "same"),
      ...turn("continue", "same"),
      ...turn("continue", "different"),
      ...turn("continue", "same"),
      ...turn("continue", "same"),
      ...turn("continue", "same"),
      ...turn("continue", "same"),
      ...turn("done", "ok"),
    ]);
    await harness.command("/goal start fix the flaky test");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "blocked", continuations: 6 });
    await harness.command("/goal resume");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 8 });
  });
});

describe("errors and silence", () => {
  it("pauses the goal when the model fails in a goal turn", async () => {
    harness = await createGoalHarness([{ error: "boom" }]);
    await harness.command("/goal start deploy the site");
    await harness.settle();
    const goal = await harness.goal();
    expect(goal?.status).toBe("paused");
    expect(gates(goal?.events)).toEqual(["model_error"]);
    expect(goal?.events.filter((event) => event.type === "status")).toEqual([
      expect.objectContaining({ from: "active", to: "paused", by: "gate" }),
    ]);
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("pauses the goal when a goal turn's model call times out", async () => {
    harness = await createGoalHarness([{ hang: true }]);
    await harness.command("/goal start deploy the site");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "paused" });
    expect(gates((await harness.goal())?.events)).toEqual(["model_error"]);
  });

  it("continues a goal turn that ends without goal_status, at one model call a turn", async () => {
    harness = await createGoalHarness([
      { text: "I looked around." },
      { text: "I fixed the first setting." },
      ...turn("done", "audited"),
    ]);
    await harness.command("/goal start audit the config");
    await harness.settle();
    expect(harness.turnStarts.map((start) => start.kind)).toEqual([
      "continuation",
      "continuation",
      "continuation",
    ]);
    expect(harness.model.requests).toHaveLength(3);
    expect(harness.model.requests[1]?.messages.at(-1)?.content).toContain("Goal continuation 2 of 10.");
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "done", continuations: 3, lastNote: "audited" });
    expect(gates(goal?.events)).toEqual([]);
  });

  it("keeps a turn's closing words as the goal's note", async () => {
    harness = await createGoalHarness([{ text: "Read the config; two settings look wrong." }]);
    await harness.command("/goal start audit the config --max-turns 1");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({
      status: "turn_limited",
      lastNote: "Read the config; two settings look wrong.",
    });
    expect(await harness.command("/goal status")).toContain("two settings look wrong");
  });

  it("blocks a goal whose turns end with the same words three times in a row, and says why", async () => {
    harness = await createGoalHarness([
      { text: "Checking the build." },
      { text: "checking the build" },
      { text: "Checking the build!" },
    ]);
    await harness.command("/goal start fix the build");
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(3);
    const goal = await harness.goal();
    expect(goal?.status).toBe("blocked");
    expect(gates(goal?.events)).toEqual(["no_progress"]);
    expect(await harness.command("/goal status")).toContain("same words");
    expect(await harness.store.listLeases()).toEqual([]);
  });

  it("does not take turns that closed with no words for the same words", async () => {
    harness = await createGoalHarness([{ text: "" }, { text: "" }, { text: "" }, ...turn("done", "ok")]);
    await harness.command("/goal start fix the build");
    await harness.settle();
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 4 });
  });
});
