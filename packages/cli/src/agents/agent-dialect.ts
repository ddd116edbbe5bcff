import { type FSWatcher, watch } from "node:fs";
import type { ModelUsage } from "@goal-lease/sdk";
import { codexModel, codexTurnEnd, codexTurnSettled, codexUsage } from "./codex-usage.js";
import { type AgentName, goalCommands } from "./hook-prompt.js";
import { claudeQueuedPrompts } from "./queued-prompts.js";
import {
  claudeModel,
  claudeTurnEnd,
  claudeTurnSettled,
  claudeUsage,
  claudeUsedTools,
  transcriptLines,
} from "./transcript-usage.js";
import type { ExpectedEnd, TranscriptEnd } from "./turn-end.js";

/** How one coding agent names its sessions, spells our command and records its token usage. */
export interface AgentDialect {
  readonly name: AgentName;
  /** The agent's name, for people. */
  readonly label: string;
  /** The store's session for the agent's own session (Claude Code) or thread (Codex) id. */
  sessionKey(id: string): string;
  /** The typed goal command; group 1 is what follows it. */
  readonly command: RegExp;
  /** How the user types the command, put in place of `/goal` in the goal plugin's replies. */
  readonly commandName: string;
  /**
   * What the agent's transcript records of the turn that started at byte `from`. The agent writes its
   * transcript a little after it runs the hooks, so with an `expected` end it reads again, a bounded while,
   * until the transcript shows that end (and the usage recorded with it).
   */
  readTurn(transcriptPath: string | undefined, from: number, expected?: ExpectedEnd): Promise<TurnRecord>;
  /** The model the transcript last names before byte `before` (a bounded stretch is read), if any. */
  modelBefore(transcriptPath: string | undefined, before: number): Promise<string | undefined>;
  /** What a Stop hook prints to continue the turn with `message` for the model. */
  continueTurn(message: string): string;
  /**
   * How many hook continuations in a row, with no tool call between them, the agent honours before it
   * overrides the hook and ends the turn, and how to say so; undefined for no limit.
   */
  continuationCap(): { count: number; why: string } | undefined;
  /**
   * How an idle session is woken for a continuation: Claude Code by the background (`asyncRewake`) Stop hook
   * it runs after each turn, which exits with the continuation; Codex by a message queued for its thread.
   */
  readonly wakes: "rewake-hook" | "queued-message";
}

export interface TurnRecord {
  /** The tokens the turn's model calls used. */
  usage: ModelUsage;
  /** Prompts the user typed during the turn, which wait for it to end. */
  queued: string[];
  /** Whether the model called any tool in the turn. */
  usedTools: boolean;
  /** How the turn ended without a Stop, when its transcript says so. */
  end?: TranscriptEnd;
  /** The model the turn ran, as the transcript names it, if it does within the turn. */
  model?: string;
}

/** How long a hook waits for the agent to write what it already reported. */
const settleMs = 2_000;
const settleStepMs = 10;
/** How far back before a turn a model's name is looked for: Codex's turn contexts are a few kilobytes. */
const modelLookBackBytes = 1_048_576;

/** The parts of a transcript's lines each agent reads its own way. */
interface TranscriptParts {
  usage: (lines: readonly object[]) => ModelUsage;
  queued: (lines: readonly object[]) => string[];
  usedTools?: (lines: readonly object[]) => boolean;
  settled: (lines: readonly object[], expected: ExpectedEnd) => boolean;
  end: (lines: readonly object[], now: number) => TranscriptEnd | undefined;
  model: (lines: readonly object[]) => string | undefined;
}

/** A transcript reader: the turn's lines, read once settled, given to each part's parser. */
function turnReader(parts: TranscriptParts): AgentDialect["readTurn"] {
  return async (path, from, expected) => {
    const lines =
      path && expected
        ? await settledLines(path, from, (read) => parts.settled(read, expected))
        : await transcriptLines(path, from);
    return {
      usage: parts.usage(lines),
      queued: parts.queued(lines),
      usedTools: parts.usedTools?.(lines) ?? true,
      end: parts.end(lines, Date.now()),
      ...optional("model", parts.model(lines)),
    };
  };
}

/**
 * The transcript's lines from `from` once `settled` holds of them, or as they are after a bounded wait. Read
 * again whenever the file changes (the agent flushes its transcript on a timer, Claude Code every 100 ms),
 * and at least every {@link settleStepMs}, so a hook answers as soon as the agent has written what it reported.
 */
async function settledLines(
  path: string,
  from: number,
  settled: (lines: readonly object[]) => boolean,
): Promise<object[]> {
  let lines = await transcriptLines(path, from);
  if (settled(lines)) return lines;
  let changed: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path, { persistent: false }, () => changed?.());
    watcher.on("error", () => watcher?.close());
  } catch {
    // It cannot be watched: read on the timer alone.
  }
  try {
    for (const deadline = Date.now() + settleMs; !settled(lines) && Date.now() < deadline; ) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, settleStepMs);
        changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      lines = await transcriptLines(path, from);
    }
  } finally {
    watcher?.close();
  }
  return lines;
}

function modelFinder(model: TranscriptParts["model"]): AgentDialect["modelBefore"] {
  return async (path, before) =>
    before > 0
      ? model(await transcriptLines(path, Math.max(0, before - modelLookBackBytes), before))
      : undefined;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export const claudeCode: AgentDialect = {
  name: "claude",
  label: "Claude Code",
  sessionKey: (id) => `claude:${id}`,
  command: goalCommands.claude,
  commandName: "/goal-lease:goal",
  readTurn: turnReader({
    usage: claudeUsage,
    queued: claudeQueuedPrompts,
    usedTools: claudeUsedTools,
    settled: claudeTurnSettled,
    end: claudeTurnEnd,
    model: claudeModel,
  }),
  modelBefore: modelFinder(claudeModel),
  // Claude Code counts Stop hook continuations (additionalContext too) and resets the count when the model
  // calls a tool; past CLAUDE_CODE_STOP_HOOK_BLOCK_CAP (default 8; 0 turns it off) it ends the turn.
  continuationCap: () => {
    const count = Number(process.env.CLAUDE_CODE_STOP_HOOK_BLOCK_CAP ?? 8);
    if (!Number.isInteger(count) || count <= 0) return undefined;
    const why = `Claude Code ends a turn after ${count} continuations in a row without a tool call; CLAUDE_CODE_STOP_HOOK_BLOCK_CAP raises it`;
    return { count, why };
  },
  // Claude Code delivers a Stop hook's additionalContext to the model and goes on, shown as feedback; a
  // block would go on too, but shown as a problem.
  continueTurn: (message) =>
    JSON.stringify({ hookSpecificOutput: { hookEventName: "Stop", additionalContext: message } }),
  wakes: "rewake-hook",
};

export const codex: AgentDialect = {
  name: "codex",
  label: "Codex",
  sessionKey: (id) => `codex:${id}`,
  command: goalCommands.codex,
  commandName: "$goal-lease",
  // Codex records no queue; what its user types during a turn reaches the hooks when it is sent.
  readTurn: turnReader({
    usage: codexUsage,
    queued: () => [],
    settled: codexTurnSettled,
    end: codexTurnEnd,
    model: codexModel,
  }),
  modelBefore: modelFinder(codexModel),
  continueTurn: (message) => JSON.stringify({ decision: "block", reason: message }),
  // Codex honours every block (openai/codex #37937): goal-lease's gates are the only brake.
  continuationCap: () => undefined,
  wakes: "queued-message",
};
