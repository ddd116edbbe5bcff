import type { Goal } from "./goal.js";

/**
 * The goal turns running in this process, by goal: the turn and when it started. A running turn's time counts
 * while it runs (kept in memory only: the goal is written when the turn ends, with the turn's whole time).
 */
const runningTurns = new Map<string, { turnId: string; since: number }>();
/** The goal of each running turn, so a turn's end finds it without a scan of every goal running here. */
const goalOfTurn = new Map<string, string>();

/** A turn of goal `goalId` started at `since`: its time counts from then. */
export function goalTurnStarted(goalId: string, turnId: string, since: number): void {
  const earlier = runningTurns.get(goalId);
  if (earlier) goalOfTurn.delete(earlier.turnId);
  runningTurns.set(goalId, { turnId, since });
  goalOfTurn.set(turnId, goalId);
}

/** Turn `turnId` ended (its time is in the goal's `activeMsBefore` from now on). */
export function goalTurnEnded(turnId: string): void {
  const goalId = goalOfTurn.get(turnId);
  if (goalId === undefined) return;
  goalOfTurn.delete(turnId);
  runningTurns.delete(goalId);
}

/** The goal's turns started so far: those counted, and one running here that is not counted yet. */
export function turnsStarted(goal: Goal): number {
  return goal.continuations + (runningTurns.has(goal.id) ? 1 : 0);
}

/** The time the goal's turns have run so far, a turn running here included: what the time budget counts. */
export function elapsedMs(goal: Goal, now: number): number {
  const running = runningTurns.get(goal.id);
  return goal.activeMsBefore + (running === undefined ? 0 : Math.max(0, now - running.since));
}
