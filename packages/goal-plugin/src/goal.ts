import type { GoalCheck } from "./goal-check/check-state.js";

/**
 * Where a goal stands. Only `active` goals continue; only the user moves a goal back to `active`, except
 * that a goal with a wake time becomes active again once, when it comes: a `waiting` goal (the model asked
 * to wait) and a `usage_limited` one (the provider refused for a usage limit; without a wake time it has
 * stopped trying and waits for the user).
 */
export type GoalStatus =
  | "active"
  | "waiting"
  | "paused"
  | "done"
  | "blocked"
  | "waiting_approval"
  | "turn_limited"
  | "budget_limited"
  | "time_limited"
  | "usage_limited"
  | "cleared";

/** Statuses a user can resume from. */
export const resumableStatuses: ReadonlySet<GoalStatus> = new Set([
  "paused",
  "blocked",
  "waiting_approval",
  "turn_limited",
  "budget_limited",
  "time_limited",
  "usage_limited",
]);

/** Who caused a change: a person, the model through goal_status, or the plugin's own gates. */
export type GoalActor = "user" | "model" | "gate";

/** One entry of a goal's event log. */
export type GoalEvent = { at: number } & (
  | { type: "created"; objective: string }
  | { type: "edited"; objective: string }
  | { type: "status"; from: GoalStatus; to: GoalStatus; by: GoalActor; reason: string }
  | { type: "gate"; gate: GateName; detail: string }
  /** `dueAt`: when the continuation comes due; absent in events logged before it was kept. */
  | { type: "lease-scheduled"; dueAt?: number }
  | { type: "lease-failed"; message: string }
  | { type: "lease-clear-failed"; message: string }
  /** A stop's notification was delivered, given up, or could not be shown here; `target` as people may read it. */
  | {
      type: "notified";
      delivery: string;
      state: Exclude<NotificationState, "pending">;
      target: string;
      outcome: string;
      attempts: number;
    }
  | { type: "continuation-declined" }
  | {
      type: "continuation-ended";
      turn: number;
      inputTokens: number;
      outputTokens: number;
      durationMs: number;
      /** What it cost in US dollars; null for a model with no price; absent in events logged before prices. */
      costUsd?: number | null;
      model?: string;
    }
  | { type: "continuation-started"; turn: number }
  | { type: "continuation-failed"; turn: number; message: string }
  | { type: "user-preempted" }
  | { type: "limits-raised"; maxTurns: number; tokenBudget: number; timeBudgetMs: number; budgetUsd?: number }
  | { type: "wake-requested"; note: string }
  /** A goal turn the provider refused for a usage limit; `retryAfterMs` as the provider gave it. */
  | { type: "usage-limited"; turn: number; message: string; retryAfterMs?: number }
  /** The next turn is the last; `usdLeft` when the dollar budget, not the token one, ran short. */
  | { type: "wrap-up"; tokensLeft: number; usdLeft?: number }
  | { type: "check-started"; command: string }
  | { type: "check-passed"; durationMs: number }
  | { type: "check-failed"; exitCode: number | null; timedOut: boolean; durationMs: number }
  | { type: "check-unrunnable"; message: string }
);

/** The hard gates that stop a goal whatever the model says. */
export type GateName =
  | "turn_cap"
  | "token_budget"
  | "cost_budget"
  | "time_budget"
  | "no_progress"
  | "model_error"
  | "usage_limit";

/** A goal's bounds; the token and time budgets are totals since the goal started. */
export interface GoalLimits {
  maxTurns: number;
  tokenBudget: number;
  timeBudgetMs: number;
  /** The longest wait the model may ask for at once; absent in goals stored before waits. */
  maxWaitMs?: number;
  /** A ceiling on what the goal's turns may cost, US dollars since it started; none unless set. */
  budgetUsd?: number;
}

/**
 * Why a goal is paused when the person cut one of its turns short (Esc in Claude Code or Codex, a message in
 * OpenClaw): their pause.
 */
export const interruptedNote = "the person interrupted a goal turn";

/** The longest wait a goal allows unless the user says otherwise. */
export const defaultMaxWaitMs = 60 * 60 * 1_000;

/** The ids of a goal's root span, as OpenTelemetry writes them (lowercase hex). */
export interface GoalTraceRoot {
  traceId: string;
  spanId: string;
}

/** One goal, as stored in plugin state (format version 1). */
export interface Goal {
  formatVersion: 1;
  id: string;
  /** SECURITY: user text; quoted as untrusted data wherever it reaches a prompt. */
  objective: string;
  status: GoalStatus;
  /** Why the goal is in its status, as its last change said; absent in goals stored before it was kept. */
  statusReason?: string;
  /** The gate that put the goal in its status, if one did. */
  statusGate?: GateName;
  /** While `waiting`, or `usage_limited` with a retry time: when its one continuation comes due. */
  wakeAt?: number;
  /** Goal turns in a row the provider refused for a usage limit; absent when the last one was not. */
  usageLimitedTurns?: number;
  /** The budget's last turn, to leave the work tidy, is scheduled or running; the goal stops after it. */
  wrapUp?: boolean;
  /** The person's check, if they gave one: the model's "done" stands only once it passes. */
  check?: GoalCheck;
  createdAt: number;
  updatedAt: number;
  limits: GoalLimits;
  /** Continuation turns that have ended. */
  continuations: number;
  tokensUsed: number;
  /** What its priced turns cost, US dollars; absent in goals stored before prices (and until a turn is priced). */
  costUsd?: number;
  /**
   * Turns whose cost is unknown (a model the price table does not know): the spend is at least `costUsd`.
   * A raised dollar budget counts from the raise, so it starts this count afresh.
   */
  unpricedTurns?: number;
  /**
   * How long the goal's own turns have run (every continuation, a failed one too): only that counts against
   * the time budget, never the time between turns, a wait, a pause, or a host that has not run the next turn
   * yet. (Goals stored before counted the time they were active here; that is kept.)
   */
  activeMsBefore: number;
  /** Since when the goal has been active; null while it is not. */
  activeSince: number | null;
  /** SECURITY: model text from goal_status or user text from a command; untrusted. */
  lastNote: string | null;
  /**
   * What the last goal turns said, normalized (a `continue` note, or the closing text of a turn that ended
   * without a report), and how many times in a row it came.
   */
  repeatedNote: { note: string; count: number } | null;
  /** The turn in which goal_status was last accepted, so a turn without one can be told apart. */
  lastReportTurnId: string | null;
  /**
   * Leases whose continuation turn was already counted (at its end, or as interrupted), so a turn is
   * counted once even when a crash between its end and the host's bookkeeping reports it interrupted too.
   */
  countedLeaseIds: string[];
  /**
   * The span that began the goal's trace (`create_agent goal`, sent when it was started), so the spans of
   * every process that runs the goal later hang under it. Absent in goals stored before it was kept and in
   * goals started with no tracing registered: their spans share a trace id derived from the goal's id.
   */
  trace?: GoalTraceRoot;
  /**
   * Where the person asked to be told when the goal stops on its own (`--notify`): an http(s) URL or
   * `desktop`; absent, the host's and the store's defaults. SECURITY: the person's text, never the model's.
   */
  notify?: string;
  /** The notification of the goal's last stop that was not the person's own command, and how it went. */
  notification?: GoalNotification;
}

/** Where a notification stands: to be sent (or retried), delivered, given up, or impossible here. */
export type NotificationState = "pending" | "sent" | "failed" | "skipped";

/**
 * The notification of a stop that was not the person's own command: written with the stop, in the same
 * write, then sent by the session's owner, which marks it; an owner that takes the session over sends
 * one still pending.
 */
export interface GoalNotification {
  /** The delivery id: the same in every attempt and from every process, so a receiver can drop a repeat. */
  id: string;
  /** SECURITY: the person's target, an http(s) URL or `desktop`; may hold a webhook's secret path. */
  target: string;
  /** The status the goal stopped in, and when. */
  status: GoalStatus;
  at: number;
  /** The JSON document to send, fixed at the stop, so every attempt sends the same bytes. */
  body: string;
  state: NotificationState;
  /** Attempts made so far. */
  attempts: number;
  /** What the last attempt got, in words (`HTTP 204`, `no answer within 5s`). */
  outcome?: string;
  /** When it was delivered, given up or skipped. */
  settledAt?: number;
}

/**
 * A goal as stored before its event log moved out of the record into the store's log: read as is, and
 * moved to the log at its next write.
 */
export interface LegacyGoalFields {
  events?: GoalEvent[];
  droppedEvents?: number;
}

/** One entry of the session's goal log: an event and the goal it belongs to. */
export type LoggedGoalEvent = GoalEvent & { goalId: string };

/** How many counted lease ids a goal remembers. */
export const maxCountedLeaseIds = 20;

/** Counts the continuation turn of `leaseId` once; false if it was counted already. */
export function countContinuation(goal: Goal, leaseId: string | undefined): boolean {
  const counted = goal.countedLeaseIds ?? [];
  if (leaseId !== undefined && counted.includes(leaseId)) return false;
  if (leaseId !== undefined) goal.countedLeaseIds = [...counted, leaseId].slice(-maxCountedLeaseIds);
  goal.continuations += 1;
  return true;
}

/** Whether the goal waits for a wake time: then its one continuation comes due at `wakeAt`. */
export function hasWakeTime(goal: Goal | undefined): goal is Goal & { wakeAt: number } {
  return (goal?.status === "waiting" || goal?.status === "usage_limited") && goal.wakeAt !== undefined;
}

/** Events recorded on a goal copy and not yet written: they go to the log with the copy's write. */
const unwritten = new WeakMap<Goal, GoalEvent[]>();

/** Records an event, written to the goal's log together with this copy of the goal. */
export function logEvent(goal: Goal, event: GoalEvent): void {
  const events = unwritten.get(goal);
  if (events) events.push(event);
  else unwritten.set(goal, [event]);
}

/** The events recorded on this copy of the goal, as log entries; the copy forgets them. */
export function takeEvents(goal: Goal): LoggedGoalEvent[] {
  const events = unwritten.get(goal) ?? [];
  unwritten.delete(goal);
  return events.map((event) => ({ ...event, goalId: goal.id }));
}

/** Moves a goal to `to`, keeping when it became active and the log right. */
export function setStatus(
  goal: Goal,
  to: GoalStatus,
  by: GoalActor,
  reason: string,
  now: number,
  gate?: GateName,
): void {
  const from = goal.status;
  if (from === to) return;
  if (from === "active") goal.activeSince = null;
  if (to === "active") goal.activeSince = now;
  goal.status = to;
  goal.statusReason = reason;
  if (to !== "waiting" && to !== "usage_limited") delete goal.wakeAt;
  if (gate) goal.statusGate = gate;
  else delete goal.statusGate;
  goal.updatedAt = now;
  logEvent(goal, { at: now, type: "status", from, to, by, reason });
}
