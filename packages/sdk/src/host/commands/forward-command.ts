import { type Clock, systemClock } from "../../clock.js";
import type { HostStore } from "../../store/store.js";
import { checkOpenSessionOptions, checkUserText, type SendInput } from "../sessions/session-api.js";
import { maxForwardedChars } from "./command-inbox.js";

/** What became of a command sent to a session's owner. */
export type ForwardResult =
  | { status: "answered"; reply: string; at: number }
  | { status: "pending"; id: string; message: string };

/**
 * Sends a /command to the host process that owns `sessionKey`, through the store, and waits for its answer:
 * the owner runs it as if typed there (before its next continuation starts) and replies. After `timeoutMs`
 * (default 15 s) without an answer it returns `pending`; the owner still applies it when it next can. With
 * no live owner, nobody would answer: it returns `pending` at once, and the command is applied when a
 * process next serves the session.
 */
export async function forwardCommand(
  store: HostStore,
  input: SendInput,
  options: { clock?: Clock; timeoutMs?: number; pollMs?: number } = {},
): Promise<ForwardResult> {
  const { clock = systemClock, timeoutMs = 15_000, pollMs = 100 } = options;
  const { sessionKey } = checkOpenSessionOptions({ sessionKey: input.sessionKey });
  checkUserText(input.text, maxForwardedChars);
  const live = await hasLiveOwner(store, sessionKey, clock.now());
  const posted = await store.postCommand({
    sessionKey,
    text: input.text,
    sender: { id: input.sender.id, isOwner: input.sender.isOwner },
    postedAt: clock.now(),
  });
  if (!live) {
    return {
      status: "pending",
      id: posted.id,
      message: `No process runs session ${JSON.stringify(sessionKey)} now: the change waits in the store and applies when one serves the session.`,
    };
  }
  const until = clock.now() + timeoutMs;
  for (;;) {
    const command = await store.getCommand(posted.id);
    if (command?.answer) return { status: "answered", ...command.answer };
    if (clock.now() >= until) break;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, pollMs));
  }
  return {
    status: "pending",
    id: posted.id,
    message: `The process that runs session ${JSON.stringify(sessionKey)} has not answered yet; it applies the command when it next can.`,
  };
}

/** Whether a live process owns `sessionKey` at `now` (its claim has not lapsed, nor been released). */
export async function hasLiveOwner(store: HostStore, sessionKey: string, now: number): Promise<boolean> {
  const owners = await store.listOwners();
  return owners.some((owner) => owner.sessionKey === sessionKey && owner.expiresAt > now);
}
