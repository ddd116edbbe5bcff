import {
  type ForwardResult,
  forwardCommand,
  GoalLeaseError,
  type HostStore,
  type Sender,
} from "@goal-lease/sdk";
import type { Context } from "hono";
import { jsonError } from "./json-error.js";

/**
 * Sends a `/goal` command to the process that runs the session, through the store, and answers as
 * `forwardCommand` resolved: 200 with the owner's one-line reply, or 202 when no owner answered in time
 * or with no process running the session now (it applies the command when one next serves it).
 */
export async function forwardControl(
  context: Context,
  store: HostStore,
  command: { session: string; text: string; sender: Sender; timeoutMs: number; answeredStatus?: 200 | 202 },
): Promise<Response> {
  const { session: sessionKey, text, sender, timeoutMs } = command;
  let result: ForwardResult;
  try {
    result = await forwardCommand(store, { sessionKey, text, sender }, { timeoutMs });
  } catch (error) {
    // A session whose process has not taken its waiting commands takes no more until it does.
    if (error instanceof GoalLeaseError && error.code === "inbox_full")
      return jsonError(context, 429, error.message);
    throw error;
  }
  if (result.status === "answered") {
    return context.json({ status: "answered", reply: result.reply }, command.answeredStatus ?? 200);
  }
  return context.json({ status: "queued", message: result.message }, 202);
}
