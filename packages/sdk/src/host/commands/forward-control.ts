import { type Clock, systemClock } from "../../clock.js";
import { HostUsageError } from "../../errors.js";
import type { JsonValue } from "../../json.js";
import type { HostStore } from "../../store/store.js";
import { checkOpenSessionOptions, type SendInput } from "../sessions/session-api.js";
import type { ControlRequest } from "./controls.js";

/** The largest input a change may carry to another process, as JSON. */
export const maxControlInputChars = 16_000;
const namePattern = /^[a-z][a-z0-9_-]{0,63}$/;

/** What became of a change sent to a session's owner. */
export type ForwardResult =
  | { status: "answered"; reply: string; applied: boolean; at: number }
  | { status: "pending"; id: string; message: string };

/** A change for the plugin `pluginId` of a session that another process may run. */
export interface ForwardInput extends ControlRequest {
  sessionKey: string;
  sender: SendInput["sender"];
}

/**
 * Sends a change (a plugin's control and its input, as data) to the host process that owns `sessionKey`,
 * through the store, and waits for its answer: the owner applies it before its next continuation starts,
 * whatever the plugin's commands are called there, and says whether it did. After `timeoutMs` (default
 * 15 s) without an answer it returns `pending`; the owner still applies it when it next can. With no live
 * owner, nobody would answer: it returns `pending` at once, and the change applies when a process next
 * serves the session.
 */
export async function forwardControl(
  store: HostStore,
  change: ForwardInput,
  options: { clock?: Clock; timeoutMs?: number; pollMs?: number } = {},
): Promise<ForwardResult> {
  const { clock = systemClock, timeoutMs = 15_000, pollMs = 100 } = options;
  const { sessionKey } = checkOpenSessionOptions({ sessionKey: change.sessionKey });
  const input = checkChange(change);
  const live = await hasLiveOwner(store, sessionKey, clock.now());
  const posted = await store.postCommand({
    sessionKey,
    pluginId: change.pluginId,
    verb: change.verb,
    input,
    sender: { id: String(change.sender.id), isOwner: change.sender.isOwner === true },
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
    message: `The process that runs session ${JSON.stringify(sessionKey)} has not answered yet; it applies the change when it next can.`,
  };
}

/** Whether a live process owns `sessionKey` at `now` (its claim has not lapsed, nor been released). */
export async function hasLiveOwner(store: HostStore, sessionKey: string, now: number): Promise<boolean> {
  const owners = await store.listOwners();
  return owners.some((owner) => owner.sessionKey === sessionKey && owner.expiresAt > now);
}

/** The change's input as plain JSON of bounded size: what the store keeps and the owner checks. */
function checkChange(change: ForwardInput): JsonValue {
  for (const [field, value] of [
    ["plugin id", change.pluginId],
    ["verb", change.verb],
  ] as const) {
    if (typeof value !== "string" || !namePattern.test(value)) {
      throw new HostUsageError({
        message: `A change's ${field} is lower-case letters, digits, "-" and "_", not ${JSON.stringify(String(value).slice(0, 64))}.`,
      });
    }
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(change.input ?? {});
  } catch {
    text = undefined;
  }
  if (text === undefined || text.length > maxControlInputChars) {
    throw new HostUsageError({
      message: `A change's input is a JSON value of at most ${maxControlInputChars} characters.`,
    });
  }
  return JSON.parse(text) as JsonValue;
}
