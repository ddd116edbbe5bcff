import { GoalLeaseError } from "../errors.js";

/** Whether a write's answer says it applied: a `writeState` that wrote, a `claimLease` that claimed. */
function appliedAnswer(answer: unknown): boolean {
  if (answer === undefined || answer === null) return false;
  return !(typeof answer === "object" && (answer as { status?: unknown }).status === "conflict");
}

/** The refusal of a write whose `after` did not apply: nothing of it was written. */
export function notAppliedError(): GoalLeaseError {
  return new GoalLeaseError({
    code: "not_applied",
    message: "Not written: the write it depended on did not apply; read the state again and retry.",
  });
}

/**
 * Waits for `after` (a write of this store's) and throws {@link notAppliedError} unless it applied: how a
 * store that cannot send a write together with the one it depends on keeps the dependency.
 */
export async function awaitApplied(after: Promise<unknown> | undefined): Promise<void> {
  if (after === undefined) return;
  let answer: unknown;
  try {
    answer = await after;
  } catch {
    throw notAppliedError();
  }
  if (!appliedAnswer(answer)) throw notAppliedError();
}
