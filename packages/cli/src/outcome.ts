import type { Goal } from "@goal-lease/goal-plugin";
import { type ExitCode, exitCodes } from "./exit-codes.js";

/** Maps how a goal stopped to the exit code `run` documents. */
export function exitCodeFor(goal: Goal | undefined): ExitCode {
  if (!goal) return exitCodes.error;
  switch (goal.status) {
    case "done":
      return exitCodes.done;
    case "blocked":
      return exitCodes.blocked;
    case "turn_limited":
    case "budget_limited":
    case "time_limited":
    case "usage_limited":
      return exitCodes.limitReached;
    case "waiting_approval":
      return exitCodes.waitingApproval;
    case "paused":
      return goal.statusGate === "model_error" ? exitCodes.error : exitCodes.paused;
    default:
      return exitCodes.error;
  }
}
