import { formatCount, formatDuration, quote } from "../format.js";
import {
  type GateName,
  type Goal,
  type GoalActor,
  type GoalStatus,
  hasWakeTime,
  type LoggedGoalEvent,
} from "../goal.js";
import { elapsedMs } from "../goal-turns.js";

/**
 * The statuses a goal stops in. Reached other than by the person's own command, each is notified; a
 * `waiting` goal, or one `usage_limited` with a retry time, goes on by itself and is not stopped.
 */
export const notifiedStatuses: ReadonlySet<GoalStatus> = new Set<GoalStatus>([
  "done",
  "blocked",
  "waiting_approval",
  "turn_limited",
  "budget_limited",
  "time_limited",
  "usage_limited",
  "paused",
]);

/** A status change a write makes. */
export type StatusEvent = Extract<LoggedGoalEvent, { type: "status" }>;

/** The stop that `goal`'s write makes, if it makes one the person did not command. */
export function unpromptedStop(goal: Goal, events: readonly LoggedGoalEvent[]): StatusEvent | undefined {
  const last = events.findLast(
    (event): event is StatusEvent => event.type === "status" && event.goalId === goal.id,
  );
  if (!last || last.to !== goal.status || last.by === "user") return undefined;
  if (!notifiedStatuses.has(last.to) || hasWakeTime(goal)) return undefined;
  return last;
}

/**
 * The JSON document a stop's notification carries (see docs: the goal plugin's README). `objective` and
 * `reason` are SECURITY-untrusted text (the person's, the model's); `text` is the same in words, with
 * mentions and markup defused, for chat webhooks that show a `text` field as is.
 */
export interface GoalStopPayload {
  type: "goal-stopped";
  /** The delivery id, as the `X-Goal-Lease-Delivery` header says it. */
  delivery: string;
  session: string;
  goalId: string;
  objective: string;
  status: GoalStatus;
  reason: string;
  /** Who stopped it: the model (through goal_status) or the plugin's gates. */
  by: Exclude<GoalActor, "user">;
  gate: GateName | null;
  /** When it stopped, ISO 8601. */
  stoppedAt: string;
  figures: {
    continuations: number;
    maxTurns: number;
    tokensUsed: number;
    tokenBudget: number;
    activeMs: number;
    timeBudgetMs: number;
  };
  /** The goal on the dashboard, when one is known (`goal-lease serve` runs, or one is configured). */
  dashboard: string | null;
  text: string;
}

/** What a notification says of its stop. */
export type StopFacts = Pick<StatusEvent, "to" | "by" | "reason" | "at">;

/**
 * The document for `stop` of `goal` in session `session`, with its figures as `goal` has them; `dashboard`
 * is the goal's page, when one is known.
 */
export function stopPayload(options: {
  delivery: string;
  session: string;
  goal: Goal;
  stop: StopFacts;
  dashboard: string | null;
}): GoalStopPayload {
  const { delivery, session, goal, stop, dashboard } = options;
  const figures = {
    continuations: goal.continuations,
    maxTurns: goal.limits.maxTurns,
    tokensUsed: goal.tokensUsed,
    tokenBudget: goal.limits.tokenBudget,
    activeMs: elapsedMs(goal, stop.at),
    timeBudgetMs: goal.limits.timeBudgetMs,
  };
  return {
    type: "goal-stopped",
    delivery,
    session,
    goalId: goal.id,
    objective: goal.objective,
    status: stop.to,
    reason: stop.reason,
    by: stop.by === "model" ? "model" : "gate",
    gate: goal.statusGate ?? null,
    stoppedAt: new Date(stop.at).toISOString(),
    figures,
    dashboard,
    text: [
      `goal-lease: the goal of session ${defused(session)} ${stoppedPhrase(stop.to)}: ${defused(quote(goal.objective, 200))}.`,
      `${stop.by === "model" ? "The model said" : "Why"}: ${defused(stop.reason.slice(0, 500))}.`,
      `${formatCount(figures.continuations)} of ${formatCount(figures.maxTurns)} continuations, ${formatCount(figures.tokensUsed)} tokens, ${formatDuration(figures.activeMs)}.`,
      ...(dashboard === null ? [] : [dashboard]),
    ].join(" "),
  };
}

/** The dashboard's page for one session, or null without a dashboard (or with one that is not a URL). */
export function dashboardLink(base: string | undefined, session: string): string | null {
  if (base === undefined || !URL.canParse(base)) return null;
  const url = new URL(base);
  url.searchParams.set("session", session);
  return url.toString();
}

/**
 * The document again, with the figures `goal` has now: a stop made during a turn is sent once that turn
 * has been counted and charged, and until its first attempt the document may still change.
 */
export function refreshedPayload(body: string, goal: Goal, at: number): GoalStopPayload {
  const sent = JSON.parse(body) as GoalStopPayload;
  return stopPayload({
    delivery: sent.delivery,
    session: sent.session,
    goal,
    stop: { to: sent.status, by: sent.by, reason: sent.reason, at },
    dashboard: sent.dashboard,
  });
}

function stoppedPhrase(status: GoalStatus): string {
  switch (status) {
    case "done":
      return "is done";
    case "blocked":
      return "is blocked";
    case "waiting_approval":
      return "waits for your approval";
    case "turn_limited":
      return "used all its continuations";
    case "budget_limited":
      return "spent its token budget";
    case "time_limited":
      return "ran out of time";
    case "usage_limited":
      return "stopped at the provider's usage limit";
    default:
      return `stopped (${status})`;
  }
}

/**
 * Untrusted text made safe to show in a chat: no control characters, no markup or mention syntax (`<!here>`,
 * `<@U123>`, `@everyone`) that a model's words could use to ping a channel or dress up a link.
 */
export function defused(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}]+/gu, " ")
    .replaceAll("<", "‹")
    .replaceAll(">", "›")
    .replaceAll("@", "@\u2060");
}
