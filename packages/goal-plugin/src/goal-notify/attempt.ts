/**
 * What one attempt to deliver a notification came to: delivered; worth another try (no answer, a 5xx, a
 * 429); given up (an answer that another try will not change, a redirect); or nothing to deliver to here
 * (no desktop).
 */
export interface AttemptResult {
  result: "sent" | "retry" | "failed" | "skipped";
  /** In words, for the event log and the dashboard: `HTTP 204`, `no answer within 5s`. */
  outcome: string;
}
