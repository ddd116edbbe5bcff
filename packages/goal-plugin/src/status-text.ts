import { formatUsd } from "@goal-lease/sdk";
import { formatCount, formatDuration, plural, progressBar, quote } from "./format.js";
import { type Goal, type GoalEvent, hasWakeTime } from "./goal.js";
import { describeNotifyTarget } from "./goal-notify/target.js";
import { elapsedMs } from "./goal-turns.js";
import { spendText } from "./spend-text.js";

/** The `/goal status` reply: objective, status, and a bar for each bounded quantity. */
export function statusText(goal: Goal, now: number): string {
  const elapsed = elapsedMs(goal, now);
  const { maxTurns, tokenBudget, timeBudgetMs } = goal.limits;
  const rows = [
    ["Continuations", progressBar(goal.continuations, maxTurns), `${goal.continuations}/${maxTurns}`],
    [
      "Tokens",
      progressBar(goal.tokensUsed, tokenBudget),
      `${formatCount(goal.tokensUsed)}/${formatCount(tokenBudget)}`,
    ],
    [
      "Time",
      progressBar(elapsed, timeBudgetMs),
      `${formatDuration(elapsed)}/${formatDuration(timeBudgetMs)}`,
    ],
    costRow(goal),
  ];
  return [
    `Goal: ${quote(goal.objective, 300)}`,
    `Status: ${goal.status}${statusDetail(goal, now)}`,
    ...rows.map(([label, bar, value]) => `${label?.padEnd(13)} ${bar} ${value}`),
    `Last note: ${goal.lastNote === null ? "none" : quote(goal.lastNote, 300)}`,
    ...checkLine(goal),
    ...notifyLine(goal),
  ].join("\n");
}

/** The last `count` of a goal's events, one line each, timed from the goal's start. */
export function eventsText(goal: Goal, events: readonly GoalEvent[], count: number): string {
  const shown = events.slice(-count);
  const header = `Last ${shown.length} of ${events.length} events for ${quote(goal.objective, 80)}:`;
  return [
    header,
    ...shown.map(
      (event) => `+${formatDuration(event.at - goal.createdAt).padEnd(7)} ${describeEvent(event)}`,
    ),
  ].join("\n");
}

function describeEvent(event: GoalEvent): string {
  switch (event.type) {
    case "created":
      return `created: ${quote(event.objective, 80)}`;
    case "edited":
      return `objective edited: ${quote(event.objective, 80)}`;
    case "status":
      return `${event.from} -> ${event.to} by ${event.by}: ${quote(event.reason, 120)}`;
    case "gate":
      return `gate ${event.gate}: ${event.detail}`;
    case "lease-scheduled":
      return "continuation scheduled";
    case "lease-failed":
      return `continuation not scheduled: ${event.message}`;
    case "lease-clear-failed":
      return `pending continuation not cleared (it will not run): ${event.message}`;
    case "notified":
      return `notification ${event.state === "sent" ? "sent" : event.state} (${event.target}, ${plural(event.attempts, "attempt")}): ${event.outcome}`;
    case "continuation-declined":
      return "a continuation came due for a goal no longer active, and did not run";
    case "continuation-started":
      return `continuation ${event.turn} started`;
    case "continuation-failed":
      return `continuation ${event.turn} failed and is not counted: ${event.message}`;
    case "continuation-ended":
      return `continuation ${event.turn} ended: ${formatCount(event.inputTokens + event.outputTokens)} tokens${turnCost(event.costUsd)}, ${formatDuration(event.durationMs)}`;
    case "user-preempted":
      return "user message ran ahead of the goal";
    case "wake-requested":
      return `woken: ${quote(event.note, 120)}`;
    case "usage-limited": {
      const retry =
        event.retryAfterMs === undefined ? "" : ` (retry after ${formatDuration(event.retryAfterMs)})`;
      return `continuation ${event.turn} refused for a usage limit and not counted${retry}: ${quote(event.message, 120)}`;
    }
    case "wrap-up":
      return event.usdLeft === undefined
        ? `${formatCount(event.tokensLeft)} tokens left: the next turn wraps up`
        : `${formatUsd(event.usdLeft)} left: the next turn wraps up`;
    case "check-started":
      return `check started: ${quote(event.command, 120)}`;
    case "check-passed":
      return `check passed in ${formatDuration(event.durationMs)}`;
    case "check-failed":
      return event.timedOut
        ? `check failed: killed at its time limit after ${formatDuration(event.durationMs)}`
        : `check failed: exit ${event.exitCode} after ${formatDuration(event.durationMs)}`;
    case "check-unrunnable":
      return event.message;
    case "limits-raised":
      return `limits now ${plural(event.maxTurns, "continuation")}, ${formatCount(event.tokenBudget)} tokens${event.budgetUsd === undefined ? "" : `, ${formatUsd(event.budgetUsd)}`}, ${formatDuration(event.timeBudgetMs)}`;
  }
}

/** The person's check: its command, how often it ran and failed, and how it last ended. */
function checkLine(goal: Goal): string[] {
  const check = goal.check;
  if (!check) return [];
  const last = check.last;
  const outcome = check.running
    ? "running now"
    : !last
      ? "not run yet"
      : last.passed
        ? `last passed in ${formatDuration(last.durationMs)}`
        : last.timedOut
          ? "last killed at its time limit"
          : `last failed with exit ${last.exitCode}`;
  return [
    `Check: ${quote(check.command, 200)} (${plural(check.runs, "run")}, ${check.failures} failed; ${outcome})`,
  ];
}

/** The spend row: against the dollar budget when there is one, else what the goal has cost so far. */
function costRow(goal: Goal): [string, string, string] {
  const budget = goal.limits.budgetUsd;
  const spent = spendText(goal);
  if (budget === undefined) return ["Cost", " ".repeat(progressBar(0, 1).length), spent];
  return ["Cost", progressBar(goal.costUsd ?? 0, budget), `${spent}/${formatUsd(budget)}`];
}

/** `, $0.0123` for a priced turn; nothing for one on a model with no price (status says the spend is unknown). */
function turnCost(costUsd: number | null | undefined): string {
  return typeof costUsd === "number" ? `, ${formatUsd(costUsd)}` : "";
}

/** Why a goal is where it is, and for a goal with a wake time when it comes. */
function statusDetail(goal: Goal, now: number): string {
  if (goal.status === "active" || !goal.statusReason) return "";
  const reason = quote(goal.statusReason, 200);
  if (!hasWakeTime(goal)) return ` (${reason})`;
  const wait = formatDuration(Math.max(0, goal.wakeAt - now));
  return goal.status === "waiting"
    ? ` (wakes in ${wait}; for ${reason})`
    : ` (retries in ${wait}; ${reason})`;
}

/** Where the goal's stops are told, and how its last notification went. */
function notifyLine(goal: Goal): string[] {
  const notice = goal.notification;
  if (goal.notify === undefined && !notice) return [];
  const target = goal.notify === undefined ? "the default" : describeNotifyTarget(goal.notify);
  if (!notice) return [`Notify: ${target}`];
  const state =
    notice.state === "pending" ? `pending after ${plural(notice.attempts, "attempt")}` : notice.state;
  const outcome = notice.outcome === undefined ? "" : `: ${notice.outcome}`;
  return [`Notify: ${target}; last (${notice.status}) ${state}${outcome}`];
}
