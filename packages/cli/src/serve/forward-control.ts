import { type GoalChange, goalStateLocation } from "@goal-lease/goal-plugin";
import {
  type ForwardResult,
  forwardControl,
  GoalLeaseError,
  type HostStore,
  type Sender,
} from "@goal-lease/sdk";
import type { Context } from "hono";
import { jsonError } from "./json-error.js";

/**
 * Sends a goal change, as data, to the process that runs the session, through the store, and answers as
 * `forwardControl` resolved: 200 with the owner's one-line reply when it applied the change, 409 with it
 * when it did not (a webhook: 202 either way), or 202 when no owner answered in time or with no process running the session now (it
 * applies the change when one next serves it).
 */
export async function forwardChange(
  context: Context,
  store: HostStore,
  command: {
    session: string;
    change: GoalChange;
    sender: Sender;
    timeoutMs: number;
    /** A webhook's caller is answered 202 whatever the owner made of it (the body says). */
    answeredStatus?: 202;
  },
): Promise<Response> {
  const { session: sessionKey, change, sender, timeoutMs } = command;
  let result: ForwardResult;
  try {
    const { pluginId } = goalStateLocation;
    result = await forwardControl(
      store,
      { sessionKey, pluginId, verb: change.verb, input: change.input, sender },
      { timeoutMs },
    );
  } catch (error) {
    // A session whose process has not taken its waiting commands takes no more until it does.
    if (error instanceof GoalLeaseError && error.code === "inbox_full")
      return jsonError(context, 429, error.message);
    throw error;
  }
  if (result.status === "answered") {
    const { reply, applied } = result;
    return context.json(
      { status: "answered", reply, applied },
      command.answeredStatus ?? (applied ? 200 : 409),
    );
  }
  return context.json({ status: "queued", message: result.message }, 202);
}
