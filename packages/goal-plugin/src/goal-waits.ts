import type { SessionContext } from "@goal-lease/sdk";
import { type Goal, hasWakeTime, logEvent, setStatus } from "./goal.js";
import type { GoalController } from "./goal-controller.js";
import type { GoalEntry } from "./goal-store.js";

// A goal's waits: it has a wake time, runs no turn and spends nothing until then, and its one continuation
// is scheduled for that time; a wake brings the time to now.

/** The waits after a goal turn refused for a usage limit with no retry time: 1, 5, 15, then 60 minutes. */
export const usageLimitBackoffMs: readonly number[] = [1, 5, 15, 60].map((minutes) => minutes * 60_000);

/**
 * The model asked to wait: the goal is `waiting` until `waitMs` from now (no turn, no tokens, no active
 * time meanwhile), then its one continuation is due.
 */
export async function waitGoal(
  controller: GoalController,
  context: SessionContext,
  entry: GoalEntry,
  options: { waitMs: number; note: string; turnsUsed: number },
): Promise<Goal | undefined> {
  const id = entry.goal.id;
  const written = await controller.store.write(context, (current) => {
    if (current?.id !== id || current.status !== "active") return undefined;
    const now = controller.now();
    setStatus(current, "waiting", "model", options.note, now);
    current.wakeAt = now + options.waitMs;
    return current;
  });
  if (written?.goal.status !== "waiting") return written?.goal;
  return controller.schedule(context, { turnsUsed: options.turnsUsed, entry: written });
}

/**
 * The provider refused a goal turn for a usage limit: the goal is `usage_limited` until the retry time
 * the provider gave, or the next step of the back-off, then its one continuation is due. After
 * {@link usageLimitBackoffMs} refusals in a row it stops trying and waits for the user.
 */
export async function usageLimitGoal(
  controller: GoalController,
  context: SessionContext,
  entry: GoalEntry,
  options: { message: string; retryAfterMs?: number },
): Promise<Goal | undefined> {
  const id = entry.goal.id;
  const written = await controller.store.write(context, (current) => {
    if (current?.id !== id || current.status !== "active") return undefined;
    const now = controller.now();
    const refusals = (current.usageLimitedTurns ?? 0) + 1;
    current.usageLimitedTurns = refusals;
    const retryMs =
      refusals > usageLimitBackoffMs.length
        ? undefined
        : (options.retryAfterMs ?? usageLimitBackoffMs[refusals - 1]);
    if (retryMs === undefined) {
      const detail = `the provider refused ${refusals} goal turns in a row for a usage limit; resume once it has lifted (${options.message})`;
      logEvent(current, { at: now, type: "gate", gate: "usage_limit", detail });
      setStatus(current, "usage_limited", "gate", detail, now, "usage_limit");
      delete current.wakeAt;
      return current;
    }
    setStatus(current, "usage_limited", "gate", options.message, now, "usage_limit");
    current.wakeAt = now + retryMs;
    return current;
  });
  if (!hasWakeTime(written?.goal)) return written?.goal;
  return controller.schedule(context, { turnsUsed: written.goal.continuations, entry: written });
}

/**
 * Ends a goal's wait (for what the model waited for, or for a usage limit to lift) now: its one
 * continuation comes due at once, however many wakes ask for it.
 */
export async function wakeGoal(
  controller: GoalController,
  context: SessionContext,
  note: string,
): Promise<Goal | undefined> {
  const written = await controller.store.write(context, (current) => {
    if (!hasWakeTime(current)) return undefined;
    const now = controller.now();
    logEvent(current, { at: now, type: "wake-requested", note });
    current.wakeAt = now;
    return current;
  });
  if (!hasWakeTime(written?.goal)) return written?.goal;
  return controller.schedule(context, { turnsUsed: written.goal.continuations, entry: written });
}
