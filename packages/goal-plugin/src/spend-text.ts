import { formatUsd } from "@goal-lease/sdk";
import { plural } from "./format.js";

/**
 * A goal's spend in dollars as a person reads it: `$0.42`; with turns on a model the price table does not
 * know, `$0.42 + 3 unpriced turns`, or `unknown (3 unpriced turns)` when none was priced. Never `$0` for a
 * spend that is unknown.
 */
export function spendText(goal: { costUsd?: number; unpricedTurns?: number }): string {
  const unpriced = goal.unpricedTurns ?? 0;
  if (unpriced === 0) return formatUsd(goal.costUsd ?? 0);
  const turns = plural(unpriced, "unpriced turn");
  return goal.costUsd ? `${formatUsd(goal.costUsd)} + ${turns}` : `unknown (${turns})`;
}
