import { open, stat } from "node:fs/promises";
import { type ModelUsage, modelName, retryAfterInWords } from "@goal-lease/sdk";
import type { ExpectedEnd, TranscriptEnd } from "./turn-end.js";

/** How long a Claude Code transcript is now, in bytes: where the next turn's entries will start. */
export async function transcriptLength(path: string | undefined): Promise<number> {
  if (!path) return 0;
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * The token usage of the assistant messages in lines of a Claude Code transcript (JSONL). Claude Code
 * writes one line per content block and repeats the message's usage on each, so messages count once by id.
 * Cache reads and writes are input the model processed, so they count as input.
 */
export function claudeUsage(lines: readonly object[]): ModelUsage {
  const seen = new Set<string>();
  const usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
  for (const line of lines as TranscriptLine[]) {
    const message = line.message;
    if (message?.role !== "assistant" || !message.usage) continue;
    if (message.id !== undefined) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
    }
    const { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens } =
      message.usage;
    usage.inputTokens +=
      count(input_tokens) + count(cache_creation_input_tokens) + count(cache_read_input_tokens);
    usage.outputTokens += count(output_tokens);
    usage.cachedInputTokens += count(cache_read_input_tokens);
  }
  return withoutEmptyCache(usage);
}

/** The model that wrote the last assistant message in lines of a Claude Code transcript, if one did. */
export function claudeModel(lines: readonly object[]): string | undefined {
  return (lines as TranscriptLine[]).findLast(
    (line) => line.message?.role === "assistant" && modelName(line.message.model) !== undefined,
  )?.message?.model as string | undefined;
}

/** Whether an assistant message in lines of a Claude Code transcript called a tool. */
export function claudeUsedTools(lines: readonly object[]): boolean {
  return (lines as TranscriptLine[]).some(
    (line) =>
      line.message?.role === "assistant" &&
      Array.isArray(line.message.content) &&
      line.message.content.some((block) => (block as { type?: unknown })?.type === "tool_use"),
  );
}

/** The text of a transcript line's message: its content if a string, else its text blocks, joined. */
function textOf(line: TranscriptLine): string {
  const content = line.message?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) => {
      const { type, text } = (block ?? {}) as { type?: unknown; text?: unknown };
      return type === "text" && typeof text === "string" ? text : "";
    })
    .join("\n");
}

/** What Claude Code writes as the person's message when they interrupt a turn (Esc). */
const interruptedByPerson = "[Request interrupted by user";

/**
 * Whether lines of a Claude Code transcript show the turn's end the hooks reported: the assistant message
 * with the Stop hook's closing words (with its usage, which Claude Code writes with it), or the person's
 * interruption. A turn that closed with no words has nothing to wait for.
 */
export function claudeTurnSettled(lines: readonly object[], expected: ExpectedEnd): boolean {
  const all = lines as TranscriptLine[];
  if ("interrupted" in expected) return all.some(isInterruption);
  if ("toolUseId" in expected) {
    return all.some(
      (line) =>
        line.message?.role === "assistant" &&
        line.message.usage !== undefined &&
        Array.isArray(line.message.content) &&
        line.message.content.some((block) => (block as { id?: unknown })?.id === expected.toolUseId),
    );
  }
  const closing = expected.lastMessage.trim();
  if (closing === "") return true;
  return all.some((line) => {
    if (line.message?.role !== "assistant" || !line.message.usage) return false;
    const text = textOf(line).trim();
    return text !== "" && closing.endsWith(text);
  });
}

/**
 * How a Claude Code turn ended without a Stop, if its transcript says: the person interrupted it, or Claude
 * Code gave up on the provider (it records the error it ends the turn with as an API error message).
 */
export function claudeTurnEnd(lines: readonly object[], now: number): TranscriptEnd | undefined {
  for (const line of lines as TranscriptLine[]) {
    if (isInterruption(line)) return { by: "person" };
    if (line.isApiErrorMessage !== true) continue;
    const message = textOf(line) || "Claude Code ended the turn on a provider error";
    const usageLimited = line.error === "rate_limit";
    const retryAfterMs = usageLimited ? retryAfterInWords(message, now) : undefined;
    return { by: "agent", usageLimited, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return undefined;
}

function isInterruption(line: TranscriptLine): boolean {
  return line.message?.role === "user" && textOf(line).startsWith(interruptedByPerson);
}

interface TranscriptLine {
  isApiErrorMessage?: unknown;
  error?: unknown;
  message?: {
    id?: string;
    role?: string;
    model?: unknown;
    content?: unknown;
    usage?: Partial<
      Record<
        "input_tokens" | "output_tokens" | "cache_creation_input_tokens" | "cache_read_input_tokens",
        unknown
      >
    >;
  };
}

/**
 * The JSON lines of a transcript from byte `from` to byte `to` or its end (only that part is read, however
 * long the session), skipping any that do not parse (a line being written, or cut by the range).
 */
export async function transcriptLines(
  path: string | undefined,
  from: number,
  to = Number.POSITIVE_INFINITY,
): Promise<object[]> {
  return (await readRange(path, from, to)).split("\n").flatMap((line) => {
    const parsed = parse(line);
    return parsed && typeof parsed === "object" ? [parsed] : [];
  });
}

async function readRange(path: string | undefined, from: number, to: number): Promise<string> {
  if (!path) return "";
  try {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      const length = Math.max(0, Math.min(size, to) - from);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, Math.min(from, size));
      return buffer.toString("utf8");
    } finally {
      await file.close();
    }
  } catch {
    return "";
  }
}

function parse(line: string): unknown {
  if (line.trim() === "") return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** A token count from a transcript: a positive finite number, else 0. */
export const count = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;

/** Usage as the host takes it: the cached part named only where some input came from the cache. */
export function withoutEmptyCache(usage: Required<ModelUsage>): ModelUsage {
  const { cachedInputTokens, ...counted } = usage;
  return cachedInputTokens > 0 ? usage : counted;
}
