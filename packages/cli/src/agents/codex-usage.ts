import type { ModelUsage } from "@goal-lease/sdk";
import { count } from "./transcript-usage.js";

interface RolloutLine {
  type?: string;
  payload?: {
    type?: string;
    info?: { last_token_usage?: Partial<Record<"input_tokens" | "output_tokens", unknown>> } | null;
  };
}

/**
 * The token usage lines of a Codex rollout (its thread's JSONL transcript) record: one `token_count` event
 * per model response, whose `last_token_usage` is that response's. Cached input is part of `input_tokens`
 * and reasoning part of `output_tokens`, so neither is added again.
 */
export function codexUsage(lines: readonly object[]): ModelUsage {
  const usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
  for (const line of lines as RolloutLine[]) {
    if (line.type !== "event_msg" || line.payload?.type !== "token_count") continue;
    const last = line.payload.info?.last_token_usage;
    if (!last) continue;
    usage.inputTokens += count(last.input_tokens);
    usage.outputTokens += count(last.output_tokens);
  }
  return usage;
}
