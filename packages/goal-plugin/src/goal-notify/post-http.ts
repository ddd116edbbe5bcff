import type { AttemptResult } from "./attempt.js";

/** Answers worth another try: a timeout, too early, too many requests, and every server error. */
const retriedStatuses = new Set([408, 425, 429]);

/**
 * POSTs `body` to `url` once, within `timeoutMs`, never following a redirect (a receiver that moved is a
 * setting to fix, and a redirect must not carry a signed body somewhere the person did not name).
 */
export async function postNotification(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AttemptResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json", "User-Agent": "goal-lease", ...headers },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { result: "retry", outcome: failureOf(error, timeoutMs) };
  }
  // Only the status matters; the body is dropped so the connection is free again.
  await response.body?.cancel().catch(() => {});
  const outcome = `HTTP ${response.status}`;
  if (response.ok) return { result: "sent", outcome };
  if (response.status >= 300 && response.status < 400) {
    return { result: "failed", outcome: `${outcome}, a redirect, which is not followed` };
  }
  if (response.status >= 500 || retriedStatuses.has(response.status)) return { result: "retry", outcome };
  return { result: "failed", outcome };
}

function failureOf(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return `no answer within ${Math.round(timeoutMs / 1_000)}s`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `could not send: ${why}`;
}
