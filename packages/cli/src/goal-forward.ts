import { type ForwardResult, forwardCommand, type HostStore, type Sender } from "@goal-lease/sdk";

/** How long a change waits for the answer of the live process that runs the goal. */
const answerTimeoutMs = 5_000;

/**
 * Sends a `/goal` command to the process that runs the session, through the store, and waits for its
 * answer. With no live process there, nobody would answer: it is left queued at once, and the message says
 * it applies when a process next serves the session.
 */
export async function forwardGoalCommand(
  store: HostStore,
  command: { sessionKey: string; text: string; sender: Sender; timeoutMs?: number },
): Promise<ForwardResult> {
  const { sessionKey, text, sender } = command;
  const live = await runsElsewhere(store, sessionKey, Date.now());
  const timeoutMs = live ? (command.timeoutMs ?? answerTimeoutMs) : 0;
  const result = await forwardCommand(store, { sessionKey, text, sender }, { timeoutMs });
  if (result.status === "answered" || live) return result;
  return {
    ...result,
    message: `No process runs session ${JSON.stringify(sessionKey)} now: the change waits in the store and applies when one serves the session.`,
  };
}

/** Whether another live process runs `sessionKey` now: then a change goes to it rather than being run here. */
export async function runsElsewhere(store: HostStore, sessionKey: string, now: number): Promise<boolean> {
  const owners = await store.listOwners();
  return owners.some((owner) => owner.sessionKey === sessionKey && owner.expiresAt > now);
}
