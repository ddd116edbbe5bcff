import { open, stat } from "node:fs/promises";
import type { ModelUsage } from "@goal-lease/sdk";

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
  const usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
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
  }
  return usage;
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

interface TranscriptLine {
  message?: {
    id?: string;
    role?: string;
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
 * The JSON lines of a transcript after byte `from` (only that part is read, however long the session),
 * skipping any that do not parse (a line being written).
 */
export async function transcriptLines(path: string | undefined, from: number): Promise<object[]> {
  return (await readFrom(path, from)).split("\n").flatMap((line) => {
    const parsed = parse(line);
    return parsed && typeof parsed === "object" ? [parsed] : [];
  });
}

async function readFrom(path: string | undefined, from: number): Promise<string> {
  if (!path) return "";
  try {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      const length = Math.max(0, size - from);
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
