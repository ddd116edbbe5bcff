/** Bounds the host enforces on every turn. */
export interface HostLimits {
  /** Model calls in one turn before it ends with `step_limit`. */
  maxModelCallsPerTurn: number;
  /** A model call that takes longer is aborted and the turn ends with `model_timeout`. */
  modelTimeoutMs: number;
  /** Transcript entries sent to the model before the new input. */
  transcriptWindow: number;
  /** JSON size of one tool call's input; larger input is rejected before validation. */
  maxToolInputChars: number;
  /** Size of one tool result sent back to the model; longer output is cut. */
  maxToolOutputChars: number;
  /** Size of one plain user message. */
  maxUserTextChars: number;
  /** Size of one plugin's prompt-context line. */
  maxContextLineChars: number;
  /** Under a token ceiling, a model call is made only if it may produce at least this many output tokens. */
  minOutputTokens: number;
}

/** The limits used where `HostOptions.limits` says nothing. */
export const defaultHostLimits: HostLimits = Object.freeze({
  maxModelCallsPerTurn: 8,
  modelTimeoutMs: 120_000,
  transcriptWindow: 40,
  maxToolInputChars: 16_000,
  maxToolOutputChars: 16_000,
  maxUserTextChars: 32_000,
  maxContextLineChars: 500,
  minOutputTokens: 16,
});
