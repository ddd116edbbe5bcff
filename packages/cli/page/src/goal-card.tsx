import type { GoalSummary } from "./api.js";
import { formatCount, formatDuration, formatSpend, formatTime, formatUsd } from "./format.js";
import { ProgressBar } from "./progress-bar.js";
import { statusLabel, statusTone } from "./status.js";
import { TokenChart } from "./token-chart.js";

/** Active time now: the time at the summary plus, while the goal runs, what passed since it was read. */
export function activeMsNow(goal: GoalSummary, receivedAt: number, now: number): number {
  return goal.activeMs + (goal.running ? Math.max(0, now - receivedAt) : 0);
}

/** One goal at a glance: status, objective, bars for turns, tokens and time, its wake time, its chart. */
export function GoalCard(props: {
  goal: GoalSummary;
  receivedAt: number;
  now: number;
  selected: boolean;
  onSelect(): void;
}) {
  const { goal, now } = props;
  const activeMs = activeMsNow(goal, props.receivedAt, now);
  return (
    <article class={`card${props.selected ? " selected" : ""}`} data-session={goal.session}>
      <button type="button" class="card-head" onClick={props.onSelect} aria-expanded={props.selected}>
        <span class={`badge ${statusTone(goal.status)}`} data-field="status">
          {statusLabel(goal.status)}
        </span>
        <span class="session">{goal.session}</span>
      </button>
      <p class="objective">{goal.objective}</p>
      <ProgressBar
        name="turns"
        label="Turns"
        used={goal.continuations}
        limit={goal.maxTurns}
        text={`${goal.continuations}/${goal.maxTurns}`}
      />
      <ProgressBar
        name="tokens"
        label="Tokens"
        used={goal.tokensUsed}
        limit={goal.tokenBudget}
        text={`${formatCount(goal.tokensUsed)}/${formatCount(goal.tokenBudget)}`}
      />
      {goal.budgetUsd === null ? (
        <p class="spend" data-field="spend">
          Spent {formatSpend(goal)}
        </p>
      ) : (
        <ProgressBar
          name="dollars"
          label="Spent"
          used={goal.costUsd}
          limit={goal.budgetUsd}
          text={`${formatSpend(goal)}/${formatUsd(goal.budgetUsd)}`}
        />
      )}
      <ProgressBar
        name="time"
        label="Time"
        used={activeMs}
        limit={goal.timeBudgetMs}
        text={`${formatDuration(activeMs)}/${formatDuration(goal.timeBudgetMs)}`}
      />
      {goal.wakeAt !== null && (
        <p class="wake" data-field="wake">
          {goal.status === "waiting" ? "Wakes" : "Retries"} at {formatTime(goal.wakeAt)}
          {goal.wakeAt > now ? ` (in ${formatDuration(goal.wakeAt - now)})` : ""}
        </p>
      )}
      {goal.notification && (
        <p class="notified" data-field="notification">
          {notificationLine(goal.notification)}
        </p>
      )}
      <TokenChart turns={goal.turns} />
    </article>
  );
}

/** How the goal's last notification went, in a line: where, and delivered, retrying or given up. */
export function notificationLine(notice: NonNullable<GoalSummary["notification"]>): string {
  const outcome = notice.outcome === null ? "" : ` (${notice.outcome})`;
  if (notice.state === "sent") return `Notified ${notice.target}${outcome}`;
  if (notice.state === "pending") {
    return notice.attempts === 0 ? `Notifying ${notice.target}…` : `Retrying ${notice.target}${outcome}`;
  }
  if (notice.state === "skipped") return `Notification skipped${outcome}`;
  return `Notifying ${notice.target} failed${outcome}`;
}
