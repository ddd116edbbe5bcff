import { GoalLeaseError } from "@goal-lease/sdk/errors";
import type { GoalLimits } from "./goal.js";

/** Hard upper bounds on what a user may ask for. */
export const limitBounds = Object.freeze({
  maxTurns: 1_000,
  tokenBudget: 100_000_000,
  timeBudgetMs: 7 * 24 * 3_600_000,
  maxWaitMs: 7 * 24 * 3_600_000,
  budgetUsd: 100_000,
});

/**
 * A user's arguments could not be parsed; `message` says what was wrong. A `GoalLeaseError` (code
 * `invalid_argument`), from the SDK's errors entry alone, so a page that parses goal commands loads no host.
 */
export class ArgumentError extends GoalLeaseError {
  override readonly name = "ArgumentError";

  constructor(message: string) {
    super({ code: "invalid_argument", message });
  }
}

/** The limit flags as a change carries them: counts as numbers, durations as the person wrote them. */
export interface LimitFields {
  maxTurns?: number;
  budget?: number;
  time?: string;
  maxWait?: string;
  /** US dollars. */
  budgetUsd?: number;
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
  if (fields.budgetUsd !== undefined) limits.budgetUsd = fields.budgetUsd;
  return limits;
}

/** Parses an amount of US dollars above 0, like `5`, `0.50` or `$12.75` (at most 4 decimals), given as `flag`. */
export function parseDollars(value: string, flag: string, max: number): number {
  const match = /^\$?(\d{1,9}(?:\.\d{1,4})?)$/.exec(value.replaceAll(/[_,]/g, ""));
  const dollars = match ? Number(match[1]) : Number.NaN;
  if (!(dollars > 0) || dollars > max) {
    throw new ArgumentError(
      `${flag} needs an amount of US dollars above 0 and at most ${max.toLocaleString("en-US")}, like 5 or 0.50, not "${value}"`,
    );
  }
  return dollars;
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
