import { formatUsd } from "@goal-lease/sdk";
import { formatCount, formatDuration, plural } from "./format.js";
import type { GateName, Goal, GoalStatus } from "./goal.js";
import { elapsedMs } from "./goal-turns.js";

/** A gate that has closed: the status it leaves the goal in and why. */
export interface GateHit {
  gate: GateName;
  status: GoalStatus;
  detail: string;
}

/** Consecutive goal turns that said the same thing (a `continue` note, or closing words) and count as no progress. */
export const noProgressRepeats = 3;

/** What is left of each bound; `turnsUsed` includes a goal turn still running. */
export function remaining(goal: Goal, now: number, turnsUsed = goal.continuations) {
  return {
    continuations: Math.max(0, goal.limits.maxTurns - turnsUsed),
    tokens: Math.max(0, goal.limits.tokenBudget - goal.tokensUsed),
    timeMs: Math.max(0, goal.limits.timeBudgetMs - elapsedMs(goal, now)),
    /** Dollars left of the goal's dollar budget; undefined when it has none. */
    costUsd:
      goal.limits.budgetUsd === undefined
        ? undefined
        : Math.max(0, goal.limits.budgetUsd - (goal.costUsd ?? 0)),
  };
}

/** The dollar budget, if it is spent, or if the spend is unknown (a turn on a model with no price). */
export function costHit(goal: Goal): GateHit | undefined {
  const budget = goal.limits.budgetUsd;
  if (budget === undefined) return undefined;
  const spent = goal.costUsd ?? 0;
  if (goal.unpricedTurns) {
    return {
      gate: "cost_budget",
      status: "budget_limited",
      detail: `the spend against the ${formatUsd(budget)} budget is unknown: ${plural(goal.unpricedTurns, "turn")} ran on a model with no price (goal-lease --prices FILE adds one)`,
    };
  }
  if (spent < budget) return undefined;
  return {
    gate: "cost_budget",
    status: "budget_limited",
    detail: `${formatUsd(spent)} of ${formatUsd(budget)} spent`,
  };
}

/** The token, dollar or time budget, if one is spent. */
export function budgetHit(goal: Goal, now: number): GateHit | undefined {
  const cost = costHit(goal);
  if (cost) return cost;
  if (goal.tokensUsed >= goal.limits.tokenBudget) {
    return {
      gate: "token_budget",
      status: "budget_limited",
      detail: `${formatCount(goal.tokensUsed)} of ${formatCount(goal.limits.tokenBudget)} tokens used`,
    };
  }
  const elapsed = elapsedMs(goal, now);
  if (elapsed >= goal.limits.timeBudgetMs) {
    return {
      gate: "time_budget",
      status: "time_limited",
      detail: `${formatDuration(elapsed)} of ${formatDuration(goal.limits.timeBudgetMs)} used`,
    };
  }
  return undefined;
}

/** The continuation cap, if another continuation would pass it. */
export function capHit(goal: Goal, turnsUsed: number): GateHit | undefined {
  if (turnsUsed < goal.limits.maxTurns) return undefined;
  return {
    gate: "turn_cap",
    status: "turn_limited",
    detail: `${turnsUsed} of ${plural(goal.limits.maxTurns, "continuation")} used`,
  };
}

/** Lower-case, punctuation and spacing removed: notes that differ only there are the same note. */
export function normalizeNote(note: string): string {
  return note
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
