import { type GoalChange, goalStateLocation } from "@goal-lease/goal-plugin";
import {
  type ForwardResult,
  forwardControl,
  GoalLeaseError,
  type HostStore,
  type Sender,
} from "@goal-lease/sdk";
import type { Context } from "hono";
import { type JsonError, type JsonResponse, jsonError } from "./json-error.js";

/** A change for the process that runs a session, and how long to wait for its answer. */
export interface ForwardedChange {
  session: string;
  change: GoalChange;
  sender: Sender;
  timeoutMs: number;
}

/** No owner answered in time, or no process runs the session now: it applies the change when one next serves it. */
export type QueuedAnswer = JsonResponse<{ status: "queued"; message: string }, 202>;

/**
 * Sends a goal change, as data, to the process that runs the session, through the store, and says how
 * `forwardControl` resolved; a session whose process has not taken its waiting commands takes no more until
 * it does (429).
 */
async function sendChange(
  context: Context,
  store: HostStore,
  command: ForwardedChange,
): Promise<ForwardResult | JsonError<429>> {
  const { session: sessionKey, change, sender, timeoutMs } = command;
  try {
    const { pluginId } = goalStateLocation;
    return await forwardControl(
      store,
      { sessionKey, pluginId, verb: change.verb, input: change.input, sender },
      { timeoutMs },
    );
  } catch (error) {
    if (error instanceof GoalLeaseError && error.code === "inbox_full")
      return jsonError(context, 429, error.message);
    throw error;
  }
}

/**
 * Forwards a change and answers as the API does: 200 with the owner's one-line reply when it applied the
 * change, 409 with it when it did not, or 202 when it is queued.
 */
export async function forwardChange(context: Context, store: HostStore, command: ForwardedChange) {
  const result = await sendChange(context, store, command);
  if (result instanceof Response) return result;
  if (result.status !== "answered") return queued(context, result.message);
  const { reply } = result;
  return result.applied
    ? context.json({ status: "answered" as const, reply, applied: true as const }, 200)
    : context.json({ status: "answered" as const, reply, applied: false as const }, 409);
}

/** Forwards a change and answers as a webhook does: 202 whatever the owner made of it (the body says). */
export async function forwardChangeAccepted(context: Context, store: HostStore, command: ForwardedChange) {
  const result = await sendChange(context, store, command);
  if (result instanceof Response) return result;
  if (result.status !== "answered") return queued(context, result.message);
  const { reply, applied } = result;
  return context.json({ status: "answered" as const, reply, applied }, 202);
}

function queued(context: Context, message: string): QueuedAnswer {
  return context.json({ status: "queued" as const, message }, 202);
}
