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
