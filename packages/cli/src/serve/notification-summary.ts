import { describeNotifyTarget, type Goal, type NotificationState } from "@goal-lease/goal-plugin";

/**
 * A goal's last notification as the API and the page show it: where it went (an origin or `desktop`,
 * never a webhook's secret path), the stop it told of, and how its delivery went.
 */
export interface NotificationSummary {
  /** The delivery id receivers see in `X-Goal-Lease-Delivery`. */
  id: string;
  target: string;
  /** The status the goal stopped in. */
  status: string;
  state: NotificationState;
  attempts: number;
  /** What the last attempt got, in words (`HTTP 204`, `no answer within 5s`); null before the first. */
  outcome: string | null;
  /** When the goal stopped. */
  at: number;
  /** When it was delivered, given up or skipped. */
  settledAt: number | null;
}

/** The goal's last notification, or null when none was due. */
export function summarizeNotification(goal: Goal): NotificationSummary | null {
  const notice = goal.notification;
  if (!notice) return null;
  return {
    id: notice.id,
    target: describeNotifyTarget(notice.target),
    status: notice.status,
    state: notice.state,
    attempts: notice.attempts,
    outcome: notice.outcome ?? null,
    at: notice.at,
    settledAt: notice.settledAt ?? null,
  };
}
