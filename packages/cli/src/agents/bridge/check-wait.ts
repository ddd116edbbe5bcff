import { type Goal, readStoredGoal } from "@goal-lease/goal-plugin";
import type { Host } from "@goal-lease/sdk";
import { settle, sleep } from "./settle.js";

/**
 * How long a Stop waits for the person's check to decide the model's "done": well under the Stop hook's
 * time limit (an MCP tool call, which Codex gives 60 s by default). A longer check goes on in the background.
 */
export const stopCheckWaitMs = 30_000;

/** How often a Stop waiting on a check reads the goal. */
const checkPollMs = 50;

/** Whether the goal waits on its check (the model reported done; the person's command runs). */
export function checkRuns(goal: Goal | undefined): boolean {
  return goal?.status === "active" && goal.check?.running !== undefined;
}

/**
 * The model reported done and the person's check runs: waits (at most `waitMs`) for its result, so a failed
 * check's continuation continues the Stop's turn and a passed one ends the goal there. Resolves whether the
 * check is still running: one that outlasts the wait goes on, and `followCheck` wakes the session with it.
 */
export async function awaitCheck(
  host: Host,
  sessionKey: string,
  waitMs: number,
  handedOver: () => boolean,
): Promise<boolean> {
  if (handedOver()) return false;
  if (!checkRuns(await readStoredGoal(host.store, sessionKey))) {
    // Decided just before the Stop: its continuation may still be on its way to the hand-over.
    await settle(host);
    return false;
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    await sleep(checkPollMs);
    const goal = await readStoredGoal(host.store, sessionKey);
    // Decided: a failed check's continuation is scheduled at once (unless a gate stopped the goal).
    if (!checkRuns(goal)) {
      await settle(host);
      if (handedOver() || goal?.status !== "active") return false;
    }
    if (Date.now() >= deadline) return true;
  }
}

/** Waits, in the background, for a check that outlasted its Stop, then wakes the session with its result. */
export async function followCheck(host: Host, sessionKey: string, wake: () => Promise<void>): Promise<void> {
  try {
    while (checkRuns(await readStoredGoal(host.store, sessionKey))) await sleep(250);
    await settle(host);
    await wake();
  } catch {
    // The store closed with the agent: nothing is left to wake.
  }
}
