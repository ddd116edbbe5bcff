import type { TurnOutcome } from "@goal-lease/sdk";

/**
 * The end a transcript is read for: the Stop hook's closing words, the tool call a PostToolUse hook reports
 * (when the turn ends with it), or an interruption.
 */
export type ExpectedEnd = { lastMessage: string } | { toolUseId: string } | { interrupted: true };

/**
 * A turn's end that no hook reports, as the agent's transcript records it: the person interrupted it (Esc),
 * or the agent gave up on it (a provider error it does not retry, such as a usage limit).
 */
export type TranscriptEnd =
  | { by: "person" }
  | { by: "agent"; usageLimited: boolean; message: string; retryAfterMs?: number };

/** The outcome of a turn the agent gave up on: a usage limit (with its retry time, if known), or a model error. */
export function failedOutcome(message: string, usageLimited: boolean, retryAfterMs?: number): TurnOutcome {
  if (!usageLimited) return { status: "error", kind: "model_error", message };
  return {
    status: "error",
    kind: "usage_limited",
    message,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** The outcome of a turn the person cut short (Esc, or typing into it): theirs, which pauses its goal. */
export const interruptedOutcome: TurnOutcome = {
  status: "error",
  kind: "interrupted",
  message: "the person interrupted the turn",
};
