import { randomUUID } from "node:crypto";
import { type Goal, type GoalLimits, logEvent } from "./goal.js";

/** A new goal for `objective`, active from `now`, its creation logged. */
export function newGoal(objective: string, limits: GoalLimits, now: number, id = randomUUID()): Goal {
  const goal: Goal = {
    formatVersion: 1,
    id,
    objective,
    status: "active",
    createdAt: now,
    updatedAt: now,
    limits,
    continuations: 0,
    tokensUsed: 0,
    activeMsBefore: 0,
    activeSince: now,
    lastNote: null,
    repeatedNote: null,
    lastReportTurnId: null,
    countedLeaseIds: [],
  };
  logEvent(goal, { at: now, type: "created", objective });
  return goal;
}
