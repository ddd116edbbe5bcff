import { budgetHit, capHit } from "./gates.js";
import type { Goal, GoalLimits } from "./goal.js";
import { elapsedMs, turnsStarted } from "./goal-turns.js";
import type { GoalLimitChanges } from "./parse-args.js";

/** The goal's limits with `flags` granted on top: each raised limit allows that much more from now on. */
export function raisedLimits(goal: Goal, flags: GoalLimitChanges, now: number): GoalLimits {
  const maxWaitMs = flags.maxWaitMs ?? goal.limits.maxWaitMs;
  const budgetUsd =
    flags.budgetUsd === undefined ? goal.limits.budgetUsd : (goal.costUsd ?? 0) + flags.budgetUsd;
  return {
    maxTurns: flags.maxTurns === undefined ? goal.limits.maxTurns : goal.continuations + flags.maxTurns,
    tokenBudget:
      flags.tokenBudget === undefined ? goal.limits.tokenBudget : goal.tokensUsed + flags.tokenBudget,
    timeBudgetMs:
      flags.timeBudgetMs === undefined ? goal.limits.timeBudgetMs : elapsedMs(goal, now) + flags.timeBudgetMs,
    ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
    ...(budgetUsd === undefined ? {} : { budgetUsd }),
  };
}

/**
 * Why the goal, with its limits raised, still cannot resume: a limit it is at, and the flag that grants
 * more. A goal the token (or dollar) ceiling stopped short of its budget has too little left for a turn, so
 * only more of that budget helps.
 */
export function resumeBlocker(goal: Goal, flags: GoalLimitChanges, now: number): string | undefined {
  const ceilingGate = goal.statusGate === "token_budget" || goal.statusGate === "cost_budget";
  const raisedThere = goal.statusGate === "token_budget" ? flags.tokenBudget : flags.budgetUsd;
  const unraised =
    ceilingGate && raisedThere === undefined
      ? { gate: goal.statusGate as "token_budget", detail: goal.statusReason ?? "the budget is spent" }
      : undefined;
  // A goal turn still running here counts: resuming mid-turn must not grant one more than the cap.
  const spent = capHit(goal, turnsStarted(goal)) ?? budgetHit(goal, now) ?? unraised;
  if (!spent) return undefined;
  const flag = {
    turn_cap: "--max-turns N",
    token_budget: "--budget TOKENS",
    cost_budget: "--budget-usd DOLLARS",
    time_budget: "--time DURATION",
  }[spent.gate as "turn_cap" | "token_budget" | "cost_budget" | "time_budget"];
  return `Cannot resume: ${spent.detail}. Resume with ${flag} to allow more.`;
}
