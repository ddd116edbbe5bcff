import type { ModelRequest } from "../../model.js";
import type { TurnOutcome, TurnUsage } from "../../plugin.js";
import type { SessionState } from "../sessions/session-state.js";
import { inputTokensOf } from "./input-tokens.js";
import type { TurnHost } from "./turn-host.js";

/**
 * Fits one model call under the turn's token ceiling: the output tokens it may produce, or, when its input
 * (estimated) and the least output worth asking for do not fit in what is left, the outcome that ends the
 * turn before the call is made.
 */
export function fitUnderCeiling(
  host: TurnHost,
  session: SessionState,
  request: ModelRequest,
  usage: TurnUsage,
  maxTokens: number,
): { maxOutputTokens: number } | { outcome: TurnOutcome } {
  const left = Math.max(0, maxTokens - usage.inputTokens - usage.outputTokens);
  const input = inputTokensOf(session).estimate(host.model, request);
  const room = left - input;
  if (room >= host.limits.minOutputTokens) return { maxOutputTokens: room };
  const call = usage.modelCalls === 0 ? "The turn was not started" : "The turn stopped";
  return {
    outcome: {
      status: "token_limit",
      message: `${call}: its next model call needs about ${input} input tokens and ${left} of its ${maxTokens} remain.`,
    },
  };
}
