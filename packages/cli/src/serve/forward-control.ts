import { forwardCommand, type HostStore, type Sender } from "@goal-lease/sdk";
import type { Context } from "hono";

/**
 * Sends a `/goal` command to the process that runs the session, through the store, and answers as
 * `forwardCommand` resolved: 200 with the owner's one-line reply, or 202 when no owner answered in time
 * (it applies the command when a process next serves the session).
 */
export async function forwardControl(
  context: Context,
  store: HostStore,
  command: { session: string; text: string; sender: Sender; timeoutMs: number; answeredStatus?: 200 | 202 },
): Promise<Response> {
  const result = await forwardCommand(
    store,
    { sessionKey: command.session, text: command.text, sender: command.sender },
    { timeoutMs: command.timeoutMs },
  );
  if (result.status === "answered") {
    return context.json({ status: "answered", reply: result.reply }, command.answeredStatus ?? 200);
  }
  return context.json({ status: "queued", message: result.message }, 202);
}
