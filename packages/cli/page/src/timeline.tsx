import type { GoalEvent } from "./api.js";
import { formatCount, formatDuration, formatTime, formatUsd } from "./format.js";
import { statusLabel } from "./status.js";

/** What one event says, in a line. Kinds this page does not know yet are shown by their type. */
export function describeEvent(event: GoalEvent): string {
  switch (event.type) {
    case "created":
      return `Created: ${event.objective}`;
    case "edited":
      return `Objective edited: ${event.objective}`;
    case "status":
      return `${statusLabel(event.from)} → ${statusLabel(event.to)} (${event.by}): ${event.reason}`;
    case "gate":
      return `Gate ${event.gate}: ${event.detail}`;
    case "lease-scheduled":
      return "Next continuation scheduled";
    case "lease-failed":
      return `Scheduling failed: ${event.message}`;
    case "lease-clear-failed":
      return `Clearing the continuation failed: ${event.message}`;
    case "continuation-declined":
      return "Continuation declined";
    case "continuation-started":
      return `Turn ${event.turn} started`;
    case "continuation-ended":
      return `Turn ${event.turn} ended: ${formatCount(event.inputTokens)} in, ${formatCount(event.outputTokens)} out${typeof event.costUsd === "number" ? `, ${formatUsd(event.costUsd)}` : ""}, ${formatDuration(event.durationMs)}`;
    case "continuation-failed":
      return `Turn ${event.turn} failed: ${event.message}`;
    case "user-preempted":
      return "A user message came first";
    case "limits-raised":
      return `Limits raised: ${event.maxTurns} turns, ${formatCount(event.tokenBudget)} tokens${event.budgetUsd === undefined ? "" : `, ${formatUsd(event.budgetUsd)}`}, ${formatDuration(event.timeBudgetMs)}`;
    case "wake-requested":
      return `Wake requested${event.note ? `: ${event.note}` : ""}`;
    case "usage-limited":
      return `Turn ${event.turn} refused for a usage limit${event.retryAfterMs === undefined ? "" : `, retry in ${formatDuration(event.retryAfterMs)}`}: ${event.message}`;
    case "notified":
      return `Notification ${event.state} (${event.target}, ${event.attempts} attempt${event.attempts === 1 ? "" : "s"}): ${event.outcome}`;
    case "wrap-up":
      return event.usdLeft === undefined
        ? `${formatCount(event.tokensLeft)} tokens left: the next turn wraps up`
        : `${formatUsd(event.usdLeft)} left: the next turn wraps up`;
    default:
      return (event as { type: string }).type;
  }
}

/** The goal's event log, newest first. Event text is data and rendered as text. */
export function Timeline(props: { events: GoalEvent[] }) {
  const events = [...props.events].reverse();
  return (
    <ol class="timeline">
      {events.map((event, index) => (
        <li key={`${event.at}-${events.length - index}`} data-event={event.type}>
          <time>{formatTime(event.at)}</time>
          <span>{describeEvent(event)}</span>
        </li>
      ))}
    </ol>
  );
}
