import type { Goal } from "./goal.js";

/**
 * The goal turns running in this process, by goal: the turn and when it started. A running turn's time counts
 * while it runs (kept in memory only: the goal is written when the turn ends, with the turn's whole time).
 */
const runningTurns = new Map<string, { turnId: string; since: number }>();

/** A turn of goal `goalId` started at `since`: its time counts from then. */
export function goalTurnStarted(goalId: string, turnId: string, since: number): void {
  runningTurns.set(goalId, { turnId, since });
}

/** Turn `turnId` ended (its time is in the goal's `activeMsBefore` from now on). */
export function goalTurnEnded(turnId: string): void {
  for (const [goalId, running] of runningTurns) {
    if (running.turnId === turnId) runningTurns.delete(goalId);
  }
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
