import { retryAfterInWords, type TurnOutcome } from "@goal-lease/sdk";

/** What OpenClaw reports of an agent run's end (`agent_end`): another process's word, read with care. */
export interface OpenClawRunEnd {
  success: boolean;
  error?: unknown;
  messages?: unknown;
}

/** How providers and OpenClaw word a refusal for a rate or usage limit. */
const usageLimitWords = /\b429\b|rate.?limit|usage.?limit|quota|too many requests/i;

/**
 * How a run ended, as the turn it was. OpenClaw reports a model call that failed (a 429, a provider error)
 * as a run that succeeded whose last assistant message stopped on the error, and a run it stopped for the
 * person (a message they wrote into the session, `/stop`) as one that failed with no error.
 */
export function runOutcome(event: OpenClawRunEnd, now: number): TurnOutcome {
  const last = lastAssistant(event.messages);
  const said = typeof event.error === "string" ? event.error : stringOr(last?.errorMessage);
  if (last?.stopReason === "aborted" || (!event.success && said === undefined)) {
    return { status: "error", kind: "interrupted", message: "the person stopped the run" };
  }
  if (event.success && last?.stopReason !== "error") return { status: "completed" };
  const message = (said ?? "the agent run failed").slice(0, 2_000);
  if (!usageLimitWords.test(message)) return { status: "error", kind: "model_error", message };
  const retryAfterMs = retryAfterInWords(message, now);
  return {
    status: "error",
    kind: "usage_limited",
    message,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

interface AssistantEnd {
  role?: unknown;
  stopReason?: unknown;
  errorMessage?: unknown;
}

function lastAssistant(messages: unknown): AssistantEnd | undefined {
  if (!Array.isArray(messages)) return undefined;
  const last = messages.at(-1) as AssistantEnd | null | undefined;
  return last && typeof last === "object" && last.role === "assistant" ? last : undefined;
}

const stringOr = (value: unknown) => (typeof value === "string" ? value : undefined);
