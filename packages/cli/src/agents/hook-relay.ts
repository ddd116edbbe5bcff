import type { AgentBridge } from "./bridge/agent-bridge.js";
import { hookEventSchema } from "./hook-event.js";
import { type AgentName, blockPrompt, isGoalCommand } from "./hook-prompt.js";

/**
 * Handles a hook event in the server. A failure never blocks stopping (the safe side of a loop); only our own
 * command is answered with the error, so the user sees it.
 */
export async function handleHookEvent(
  bridge: AgentBridge,
  agent: AgentName,
  raw: unknown,
  log: (line: string) => void,
  gone?: AbortSignal,
) {
  const parsed = hookEventSchema.safeParse(raw);
  if (!parsed.success) {
    log(`goal-lease hook: ignored an event that is not a hook event: ${parsed.error.issues[0]?.message}`);
    return "";
  }
  // A waker whose hook has gone (its time ran out, the agent ended) waits no more.
  gone?.addEventListener("abort", () => bridge.forgetWaker(parsed.data), { once: true });
  try {
    return await bridge.handle(parsed.data);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`goal-lease hook ${parsed.data.hook_event_name}: ${message}`);
    return isGoalCommand(raw, agent) ? blockPrompt(`goal-lease: ${message}`) : "";
  }
}
