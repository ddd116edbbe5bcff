import type { AgentBridge } from "./agent-bridge.js";
import { hookEventSchema } from "./hook-event.js";

const goalCommand = /^\s*\/goal-lease:goal\b/;

/** A prompt Claude Code must not send on: our command, answered with `reason`. */
export function blockPrompt(reason: string): string {
  return JSON.stringify({ decision: "block", reason });
}

/** Whether a raw hook event is the user typing our command (which must never silently reach the model). */
export function isGoalCommand(event: unknown): boolean {
  const prompt = (event as { prompt?: unknown } | null)?.prompt;
  return typeof prompt === "string" && goalCommand.test(prompt);
}

/**
 * Handles a hook event in the server. A failure never blocks stopping (the safe side of a loop); only our own
 * command is answered with the error, so the user sees it.
 */
export async function handleHookEvent(bridge: AgentBridge, raw: unknown, log: (line: string) => void) {
  const parsed = hookEventSchema.safeParse(raw);
  if (!parsed.success) {
    log(
      `goal-lease hook: ignored an event that is not a Claude Code hook event: ${parsed.error.issues[0]?.message}`,
    );
    return "";
  }
  try {
    return await bridge.handle(parsed.data);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`goal-lease hook ${parsed.data.hook_event_name}: ${message}`);
    return isGoalCommand(raw) ? blockPrompt(`goal-lease: ${message}`) : "";
  }
}
