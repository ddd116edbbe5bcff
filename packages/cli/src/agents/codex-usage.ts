import { type ModelUsage, modelName, retryAfterInWords } from "@goal-lease/sdk";
import { count, withoutEmptyCache } from "./transcript-usage.js";
import type { ExpectedEnd, TranscriptEnd } from "./turn-end.js";

interface RolloutLine {
  type?: string;
  payload?: {
    type?: string;
    response_id?: unknown;
    usage?: CountedTokens | null;
    info?: { last_token_usage?: CountedTokens } | null;
    model?: unknown;
  };
}

type CountedTokens = Partial<Record<"input_tokens" | "cached_input_tokens" | "output_tokens", unknown>>;

/**
 * The token usage lines of a Codex rollout (its thread's JSONL transcript) record. Codex 0.169 writes a
 * `token_usage_record` as soon as each model response completes (before its tool calls run), and a
 * `token_count` event (whose `last_token_usage` is that response's) after them; each response counts once,
 * from its record where there are records. Cached input is part of `input_tokens` and reasoning part of
 * `output_tokens`, so neither is added again.
 */
export function codexUsage(lines: readonly object[]): ModelUsage {
  const usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  const records = (lines as RolloutLine[]).filter((line) => line.type === "token_usage_record");
  const add = (counted: CountedTokens) => {
    usage.inputTokens += count(counted.input_tokens);
    usage.cachedInputTokens += count(counted.cached_input_tokens);
    usage.outputTokens += count(counted.output_tokens);
  };
  if (records.length > 0) {
    const seen = new Set<unknown>();
    for (const record of records) {
      const id = record.payload?.response_id;
      if (id !== undefined && seen.has(id)) continue;
      seen.add(id);
      if (record.payload?.usage) add(record.payload.usage);
    }
    return withoutEmptyCache(usage);
  }
  for (const line of lines as RolloutLine[]) {
    if (line.type !== "event_msg" || line.payload?.type !== "token_count") continue;
    const last = line.payload.info?.last_token_usage;
    if (last) add(last);
  }
  return withoutEmptyCache(usage);
}

/**
 * The model of the last turn context in lines of a Codex rollout, if they hold one. Codex writes a turn's
 * context once, when the turn starts: a goal continuation inside the same turn finds it earlier in the file.
 */
export function codexModel(lines: readonly object[]): string | undefined {
  const context = (lines as RolloutLine[]).findLast(
    (line) => line.type === "turn_context" && modelName(line.payload?.model) !== undefined,
  );
  return context?.payload?.model as string | undefined;
}

interface RolloutItem {
  type?: string;
  payload?: {
    type?: string;
    call_id?: unknown;
    role?: string;
    content?: unknown;
    info?: unknown;
    reason?: unknown;
    error?: { message?: unknown; codex_error_info?: unknown } | null;
  };
}

/** The text of an assistant message in a rollout: its output_text parts, joined. */
function assistantText(item: RolloutItem): string | undefined {
  const payload = item.payload;
  if (item.type !== "response_item" || payload?.type !== "message" || payload.role !== "assistant") {
    return undefined;
  }
  if (!Array.isArray(payload.content)) return "";
  return payload.content
    .map((part) => {
      const { type, text } = (part ?? {}) as { type?: unknown; text?: unknown };
      return type === "output_text" && typeof text === "string" ? text : "";
    })
    .join("");
}

const isEvent = (item: RolloutItem, type: string) => item.type === "event_msg" && item.payload?.type === type;

/** A line that records a response's tokens: its usage record, or its token count event. */
const countsTokens = (item: RolloutItem) =>
  item.type === "token_usage_record" || (isEvent(item, "token_count") && Boolean(item.payload?.info));

/**
 * Whether lines of a Codex rollout show the turn's end the hooks reported: the assistant message with the
 * Stop hook's closing words followed by the token count of its response, or the person's interruption.
 */
export function codexTurnSettled(lines: readonly object[], expected: ExpectedEnd): boolean {
  const items = lines as RolloutItem[];
  if ("interrupted" in expected) return items.some((item) => isEvent(item, "turn_aborted"));
  if ("toolUseId" in expected) {
    const called = items.findIndex(
      (item) => item.type === "response_item" && item.payload?.call_id === expected.toolUseId,
    );
    return called !== -1 && items.slice(called + 1).some(countsTokens);
  }
  const closing = expected.lastMessage.trim();
  if (closing === "") return true;
  const said = items.findLastIndex((item) => {
    const text = assistantText(item)?.trim();
    return text !== undefined && text !== "" && closing.endsWith(text);
  });
  return said !== -1 && items.slice(said + 1).some(countsTokens);
}

/** Codex's codes for a refusal for a usage limit, as its rollout records them. */
const usageLimitCodes = new Set(["usage_limit_exceeded", "usage_limit_reached", "usage_not_included"]);

/**
 * How a Codex turn ended without a Stop, if its rollout says: the person interrupted it (`turn_aborted`), or
 * it failed (`task_complete` with an error, which Codex records after giving up on the provider).
 */
export function codexTurnEnd(lines: readonly object[], now: number): TranscriptEnd | undefined {
  for (const item of lines as RolloutItem[]) {
    if (isEvent(item, "turn_aborted")) return { by: "person" };
    const error = isEvent(item, "task_complete") ? item.payload?.error : undefined;
    if (!error) continue;
    const message = typeof error.message === "string" ? error.message : "the turn failed";
    const usageLimited =
      typeof error.codex_error_info === "string" && usageLimitCodes.has(error.codex_error_info);
    const retryAfterMs = usageLimited ? retryAfterInWords(message, now) : undefined;
    return { by: "agent", usageLimited, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return undefined;
}
