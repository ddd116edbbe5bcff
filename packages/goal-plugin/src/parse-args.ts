import type { GoalLimits } from "./goal.js";

/** Hard upper bounds on what a user may ask for. */
export const limitBounds = Object.freeze({
  maxTurns: 1_000,
  tokenBudget: 100_000_000,
  timeBudgetMs: 7 * 24 * 3_600_000,
  maxWaitMs: 7 * 24 * 3_600_000,
});

/** A user's arguments could not be parsed; `message` says what was wrong. */
export class ArgumentError extends Error {
  override readonly name = "ArgumentError";
}

/** The limit flags as a change carries them: counts as numbers, durations as the person wrote them. */
export interface LimitFields {
  maxTurns?: number;
  budget?: number;
  time?: string;
  maxWait?: string;
}

/** Parsed arguments: the free text and the limit flags. */
export interface ParsedArgs {
  text: string;
  flags: LimitFields;
}

/** Each limit flag, the field it sets and how its value is checked (durations kept as written, lower-cased). */
export const limitFlags = {
  "--max-turns": {
    field: "maxTurns",
    check: (value: string) => parseCount(value, "--max-turns", limitBounds.maxTurns),
  },
  "--budget": {
    field: "budget",
    check: (value: string) => parseCount(value, "--budget", limitBounds.tokenBudget),
  },
  "--time": { field: "time", check: (value: string) => checkedDuration(value, "--time") },
  "--max-wait": { field: "maxWait", check: (value: string) => checkedDuration(value, "--max-wait") },
} as const;

function checkedDuration(value: string, flag: string): string {
  parseDuration(value, flag);
  return value.toLowerCase();
}

/**
 * Splits `text` into free words and `--flag value` pairs; `allowFlags` false makes any flag an error. A
 * lone `--` ends the flags: what follows is free text exactly as written, `--words` and spacing included.
 */
export function parseArgs(args: string, allowFlags: boolean): ParsedArgs {
  const separator = /(?:^|\s)--(?:\s|$)/.exec(args);
  if (separator) {
    const before = parseArgs(args.slice(0, separator.index), allowFlags);
    const verbatim = args.slice(separator.index + separator[0].length).trim();
    return { text: [before.text, verbatim].filter(Boolean).join(" "), flags: before.flags };
  }
  const words: string[] = [];
  const flags: Record<string, string | number> = {};
  const tokens = args.split(/\s+/).filter(Boolean);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? "";
    if (!token.startsWith("--")) {
      words.push(token);
      continue;
    }
    const flag = Object.hasOwn(limitFlags, token) ? limitFlags[token as keyof typeof limitFlags] : undefined;
    if (!allowFlags || !flag) throw new ArgumentError(`unknown option ${token}`);
    const value = tokens[++index];
    if (value === undefined) throw new ArgumentError(`${token} needs a value`);
    flags[flag.field] = flag.check(value);
  }
  return { text: words.join(" "), flags: flags as LimitFields };
}

/** Limits a change grants, in the goal's units; only those given are set. */
export type GoalLimitChanges = Partial<GoalLimits>;

/** The limits a change's flags grant, in the goal's units. */
export function limitsOf(fields: LimitFields): GoalLimitChanges {
  const limits: GoalLimitChanges = {};
  if (fields.maxTurns !== undefined) limits.maxTurns = fields.maxTurns;
  if (fields.budget !== undefined) limits.tokenBudget = fields.budget;
  if (fields.time !== undefined) limits.timeBudgetMs = parseDuration(fields.time);
  if (fields.maxWait !== undefined) limits.maxWaitMs = parseDuration(fields.maxWait, "--max-wait");
  return limits;
}

/** Parses a positive whole number, with an optional k (thousand) or m (million) suffix. */
export function parseCount(value: string, flag: string, max: number): number {
  const match = /^(\d{1,12})([km]?)$/i.exec(value.replaceAll(/[_,]/g, ""));
  const scale = { "": 1, k: 1_000, m: 1_000_000 }[(match?.[2] ?? "").toLowerCase()] ?? 1;
  const count = match ? Number(match[1]) * scale : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new ArgumentError(
      `${flag} needs a whole number from 1 to ${max.toLocaleString("en-US")}, not "${value}"`,
    );
  }
  return count;
}

const unitMs: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration like `90s`, `15m`, `2h` or `1h30m`, given as `flag`. */
export function parseDuration(value: string, flag = "--time"): number {
  const parts = value.toLowerCase().match(/\d+[smhd]/g);
  const total =
    parts && parts.join("") === value.toLowerCase()
      ? parts.reduce((sum, part) => sum + Number(part.slice(0, -1)) * (unitMs[part.slice(-1)] ?? 0), 0)
      : Number.NaN;
  if (!Number.isFinite(total) || total < 1_000 || total > limitBounds.timeBudgetMs) {
    throw new ArgumentError(`${flag} needs a duration like 30m, 2h or 1h30m (at most 7d), not "${value}"`);
  }
  return total;
}
