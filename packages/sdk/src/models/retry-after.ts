/**
 * How long a provider asked to wait before the next request, from its answer's headers: `retry-after-ms`,
 * then `retry-after` (seconds, or an HTTP date), then the latest of the rate-limit reset headers given
 * (`resets` names them; each holds a date, or a duration such as OpenAI's `6m0s`).
 */
export function retryAfterMs(
  headers: Headers | undefined,
  now: number,
  resets: readonly string[] = [],
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const after = headers.get("retry-after");
  if (after !== null) {
    const wait = /^\s*\d+(\.\d+)?\s*$/.test(after) ? Number(after) * 1_000 : Date.parse(after) - now;
    if (Number.isFinite(wait)) return Math.max(0, wait);
  }
  const waits = resets.flatMap((name) => {
    const value = headers.get(name);
    const wait = value === null ? undefined : (durationMs(value) ?? Date.parse(value) - now);
    return wait !== undefined && Number.isFinite(wait) && wait > 0 ? [wait] : [];
  });
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** A Go-style duration ("1h2m3.5s", "20ms", "6m0s") in milliseconds, if the text is one. */
function durationMs(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text.trim()) return undefined;
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (units[unit ?? "s"] ?? 0), 0);
}
