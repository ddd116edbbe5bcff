import type { Goal, GoalEvent } from "@goal-lease/goal-plugin";
import { describe, expect, it } from "vitest";
import { exitCodes } from "./exit-codes.js";
import { exitCodeFor } from "./outcome.js";

function goal(status: Goal["status"], events: GoalEvent[] = []): Goal {
  return { status, events } as unknown as Goal;
}

describe("exit code of goal-lease run", () => {
  it.each([
    ["done", goal("done"), exitCodes.done],
    ["blocked", goal("blocked"), exitCodes.blocked],
    ["budget", goal("budget_limited"), exitCodes.limitReached],
    ["time", goal("time_limited"), exitCodes.limitReached],
    [
      "cap",
      goal("waiting_approval", [{ at: 1, type: "gate", gate: "turn_cap", detail: "3 of 3" }]),
      exitCodes.limitReached,
    ],
    ["model asks the user", goal("waiting_approval"), exitCodes.waitingApproval],
    ["paused by the user", goal("paused"), exitCodes.paused],
    [
      "paused by a model error",
      goal("paused", [{ at: 1, type: "gate", gate: "model_error", detail: "x" }]),
      exitCodes.error,
    ],
    ["no goal", undefined, exitCodes.error],
  ])("%s", (_label, stopped, code) => {
    expect(exitCodeFor(stopped)).toBe(code);
  });
});
