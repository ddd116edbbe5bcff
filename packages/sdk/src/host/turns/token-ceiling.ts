import type { ModelRequest } from "../../model.js";
import type { TurnCeiling, TurnOutcome, TurnUsage } from "../../plugin.js";
import { formatUsd } from "../../pricing/format-usd.js";
import type { ModelPrice } from "../../pricing/price-table.js";
import type { SessionState } from "../sessions/session-state.js";
import { inputTokensOf } from "./input-tokens.js";
import type { TurnHost } from "./turn-host.js";

/** The ceiling that sets a call's output cap: the token ceiling, or the dollar one at the model's prices. */
export type CeilingKind = "tokens" | "cost";

/** How a call fits under its turn's ceilings: its output cap (none when nothing bounds it) and what set it. */
export type CeilingFit = { maxOutputTokens?: number; boundBy: CeilingKind } | { outcome: TurnOutcome };

/**
 * Fits one model call under the turn's ceilings: the output tokens it may produce, or, when its input
 * (estimated) and the least output worth asking for do not fit in what is left, the outcome that ends the
 * turn before the call is made. A dollar ceiling is a token ceiling at the model's prices: the input is
 * priced as uncached (the dearer rate), and the output gets what the rest buys. A model with no price cannot
 * be held to a dollar ceiling, so no call is made.
 */
export function fitUnderCeiling(
  host: TurnHost,
  session: SessionState,
  request: ModelRequest,
  usage: TurnUsage,
  ceiling: TurnCeiling,
  price: ModelPrice | undefined,
): CeilingFit {
  const { maxTokens, maxCostUsd } = ceiling;
  const call = usage.modelCalls === 0 ? "The turn was not started" : "The turn stopped";
  if (maxCostUsd !== undefined && price === undefined) {
    return {
      outcome: {
        status: "cost_limit",
        message: `${call}: model ${host.model.id} has no price in the price table, so its dollar ceiling of ${formatUsd(maxCostUsd)} cannot be kept.`,
      },
    };
  }
  const input = inputTokensOf(session).estimate(host.model, request);
  let room = Number.POSITIVE_INFINITY;
  let boundBy: CeilingKind = "tokens";
  let why = "";
  if (maxTokens !== undefined) {
    const left = Math.max(0, maxTokens - usage.inputTokens - usage.outputTokens);
    room = left - input;
    why = `its next model call needs about ${input} input tokens and ${left} of its ${maxTokens} remain`;
  }
  if (maxCostUsd !== undefined && price !== undefined) {
    const left = Math.max(0, maxCostUsd - (usage.costUsd ?? 0));
    const inputUsd = (input * price.input) / 1_000_000;
    const affordable =
      price.output > 0
        ? Math.floor(((left - inputUsd) * 1_000_000) / price.output)
        : left >= inputUsd
          ? Number.POSITIVE_INFINITY
          : -1;
    if (affordable < room) {
      room = affordable;
      boundBy = "cost";
      why = `its next model call needs about ${input} input tokens (${formatUsd(inputUsd)}) and ${formatUsd(left)} of its ${formatUsd(maxCostUsd)} remain`;
    }
  }
  if (room >= host.limits.minOutputTokens) {
    return Number.isFinite(room) ? { maxOutputTokens: room, boundBy } : { boundBy };
  }
  const status = boundBy === "cost" ? "cost_limit" : "token_limit";
  return { outcome: { status, message: `${call}: ${why}.` } };
}
