import { elapsedMs, type Goal, type GoalEvent } from "@goal-lease/goal-plugin";
import { type NotificationSummary, summarizeNotification } from "./notification-summary.js";

/** How many recent continuation turns a summary carries for the tokens-per-turn chart. */
export const summaryTurns = 40;

/** Tokens one continuation turn used, and what they cost. */
export interface TurnTokens {
  turn: number;
  inputTokens: number;
  outputTokens: number;
  /** US dollars; null when its model has no price (or the turn ran before goals kept prices). */
  costUsd: number | null;
}

/**
 * A goal as the API and the page show it. `objective` and `lastNote` are SECURITY-untrusted text (a
 * person's or a model's): the page renders them as text, never as markup.
 */
export interface GoalSummary {
  session: string;
  /** The store's version of the goal: it grows with every write, so the newest copy wins. */
  version: number;
  status: string;
  statusReason: string | null;
  objective: string;
  lastNote: string | null;
  continuations: number;
  maxTurns: number;
  tokensUsed: number;
  tokenBudget: number;
  /** What the goal's priced turns cost, US dollars. */
  costUsd: number;
  /** Turns on a model with no price: with any, the spend is unknown beyond `costUsd` (never read it as 0). */
  unpricedTurns: number;
  /** The goal's dollar ceiling, if it has one. */
  budgetUsd: number | null;
  /** Active time as of `at`; while `running`, it grows with the clock. */
  activeMs: number;
  running: boolean;
  timeBudgetMs: number;
  maxWaitMs: number | null;
  /** When a waiting goal's one continuation comes due, or a limited one is retried. */
  wakeAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** When the server read it. */
  at: number;
  /**
   * The goal's last logged event, as a key that changes when the log grows: events that only say what
   * happened (a turn started, a continuation scheduled) do not write the goal, so its version stays.
   */
  lastEvent: string | null;
  turns: TurnTokens[];
  /** The person's check, if the goal has one: SECURITY, `command` and `output` are untrusted text. */
  check: CheckSummary | null;
  /** The notification of the goal's last stop that was not the person's own command, and how it went. */
  notification: NotificationSummary | null;
}

/** A goal's check as the API and the page show it: how often it ran and failed, and its last run. */
export interface CheckSummary {
  command: string;
  runs: number;
  failures: number;
  running: boolean;
  last: {
    at: number;
    passed: boolean;
    exitCode: number | null;
    timedOut: boolean;
    durationMs: number;
    output: string;
  } | null;
}

/** Summarizes a goal and its events as of `now`. */
export function summarizeGoal(
  session: string,
  version: number,
  goal: Goal,
  events: readonly GoalEvent[],
  now: number,
): GoalSummary {
  const turns: TurnTokens[] = [];
  for (const event of events) {
    if (event.type === "continuation-ended") {
      const { turn, inputTokens, outputTokens } = event;
      turns.push({ turn, inputTokens, outputTokens, costUsd: event.costUsd ?? null });
    }
  }
  return {
    session,
    version,
    status: goal.status,
    statusReason: goal.statusReason ?? null,
    objective: goal.objective,
    lastNote: goal.lastNote,
    continuations: goal.continuations,
    maxTurns: goal.limits.maxTurns,
    tokensUsed: goal.tokensUsed,
    tokenBudget: goal.limits.tokenBudget,
    costUsd: goal.costUsd ?? 0,
    unpricedTurns: goal.unpricedTurns ?? 0,
    budgetUsd: goal.limits.budgetUsd ?? null,
    activeMs: elapsedMs(goal, now),
    running: goal.activeSince !== null,
    timeBudgetMs: goal.limits.timeBudgetMs,
    maxWaitMs: goal.limits.maxWaitMs ?? null,
    wakeAt: goal.wakeAt ?? null,
    createdAt: goal.createdAt,
    updatedAt: goal.updatedAt,
    at: now,
    lastEvent: eventKey(events.at(-1)),
    turns: turns.slice(-summaryTurns),
    check: goal.check
      ? {
          command: goal.check.command,
          runs: goal.check.runs,
          failures: goal.check.failures,
          running: goal.check.running !== undefined,
          last: goal.check.last ?? null,
        }
      : null,
    notification: summarizeNotification(goal),
  };
}

/** A key for a goal's last event: the event itself, which carries its time, its kind and its turn. */
export function eventKey(event: GoalEvent | undefined): string | null {
  return event === undefined ? null : JSON.stringify(event);
}
