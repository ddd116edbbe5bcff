import type { GoalLimits } from "./goal.js";

/** Hard upper bounds on what a user may ask for. */
export const limitBounds = Object.freeze({
  maxTurns: 1_000,
  tokenBudget: 100_000_000,
  timeBudgetMs: 7 * 24 * 3_600_000,
  maxWaitMs: 7 * 24 * 3_600_000,
});

/** Raised limits from `--max-turns`, `--budget`, `--time` and `--max-wait`; only the flags given are set. */
export type LimitFlags = Partial<GoalLimits>;

/** Parsed arguments: the free text and the limit flags. */
export interface ParsedArgs {
  text: string;
  flags: LimitFlags;
}

/** A user's arguments could not be parsed; `message` says what was wrong. */
export class ArgumentError extends Error {
  override readonly name = "ArgumentError";
}

const flagNames: Record<string, keyof GoalLimits> = {
  "--max-turns": "maxTurns",
  "--budget": "tokenBudget",
  "--time": "timeBudgetMs",
  "--max-wait": "maxWaitMs",
};

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
  const flags: LimitFlags = {};
  const tokens = args.split(/\s+/).filter(Boolean);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? "";
    if (!token.startsWith("--")) {
      words.push(token);
      continue;
    }
    const name = flagNames[token];
    if (!allowFlags || !name) throw new ArgumentError(`unknown option ${token}`);
    const value = tokens[++index];
    if (value === undefined) throw new ArgumentError(`${token} needs a value`);
    flags[name] =
      name === "timeBudgetMs" || name === "maxWaitMs"
        ? parseDuration(value, token)
        : parseCount(value, token, limitBounds[name]);
  }
  return { text: words.join(" "), flags };
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
