/** How a status looks: a tone for its badge. Statuses this page does not know yet get the neutral one. */
export function statusTone(status: string): "run" | "wait" | "stop" | "done" | "fail" | "other" {
  if (status === "active") return "run";
  if (status === "waiting" || status === "waiting_approval" || status === "usage_limited") return "wait";
  if (status === "paused" || status.endsWith("_limited")) return "stop";
  if (status === "done") return "done";
  if (status === "blocked" || status === "cleared") return "fail";
  return "other";
}

/** A status as words: `turn_limited` → "turn limited". */
export function statusLabel(status: string): string {
  return status.replaceAll("_", " ");
}
