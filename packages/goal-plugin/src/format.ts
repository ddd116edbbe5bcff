/** `12,345` */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** `1h 05m`, `4m 10s`, `12s` */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1_000));
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, "0")}s`;
  return `${rest}s`;
}

/** A ten-cell text bar: `[######----]`. */
export function progressBar(used: number, limit: number, width = 10): string {
  const filled = limit <= 0 ? width : Math.min(width, Math.floor((used / limit) * width));
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** Quotes untrusted text for a prompt or a reply: JSON string syntax, cut to `max` characters. */
export function quote(text: string, max = 4_000): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** `1 continuation`, `3 continuations`. */
export function plural(count: number, word: string): string {
  return `${formatCount(count)} ${word}${count === 1 ? "" : "s"}`;
}
