import type { GateName, Goal } from "@goal-lease/goal-plugin";
import { describe, expect, it } from "vitest";
import { exitCodes } from "./exit-codes.js";
import { exitCodeFor } from "./outcome.js";

function goal(status: Goal["status"], statusGate?: GateName): Goal {
  return { status, statusGate } as unknown as Goal;
}

describe("exit code of goal-lease run", () => {
  it.each([
    ["done", goal("done"), exitCodes.done],
    ["blocked", goal("blocked"), exitCodes.blocked],
    ["cap", goal("turn_limited", "turn_cap"), exitCodes.limitReached],
    ["budget", goal("budget_limited"), exitCodes.limitReached],
    ["time", goal("time_limited"), exitCodes.limitReached],
    ["model asks the user", goal("waiting_approval"), exitCodes.waitingApproval],
    ["paused by the user", goal("paused"), exitCodes.paused],
    ["paused by a model error", goal("paused", "model_error"), exitCodes.error],
    ["no goal", undefined, exitCodes.error],
  ])("%s", (_label, stopped, code) => {
    expect(exitCodeFor(stopped)).toBe(code);
  });
});
