import { GoalLeaseError, ModelUsageLimitError } from "../errors.js";
import { formatWait } from "./format-wait.js";

/** Why a provider request failed, as the adapter tells it apart with the provider SDK's own error classes. */
export type ProviderFailure =
  | { kind: "status"; status: number; detail: string; cause: unknown }
  /** A rate limit or a spent quota; `retryAfterMs` when the provider said when to try again. */
  | { kind: "usage_limit"; status: number; detail: string; retryAfterMs?: number; cause: unknown }
  | { kind: "unreachable"; cause: unknown }
  | { kind: "timeout"; cause: unknown }
  | { kind: "aborted"; cause: unknown }
  | { kind: "other"; cause: unknown };

/** Turns a provider failure into a {@link GoalLeaseError} whose one-line message names the endpoint. */
export function providerError(endpoint: string, failure: ProviderFailure, timeoutMs: number): GoalLeaseError {
  const { cause } = failure;
  switch (failure.kind) {
    case "status":
      return new GoalLeaseError({
        code: "model_http_status",
        message: `${endpoint} returned ${failure.status}: ${oneLine(failure.detail)}`,
        cause,
      });
    case "usage_limit": {
      const { retryAfterMs } = failure;
      const when =
        retryAfterMs === undefined ? "it gave no retry time" : `retry in ${formatWait(retryAfterMs)}`;
      return new ModelUsageLimitError({
        message: `${endpoint} refused for a usage limit (${failure.status}, ${when}): ${oneLine(failure.detail)}`,
        retryAfterMs,
        cause,
      });
    }
    case "unreachable":
      return new GoalLeaseError({
        code: "model_unreachable",
        message: `${endpoint} is unreachable (${networkErrorCode(cause) ?? oneLine(deepestMessage(cause))})`,
        cause,
      });
    case "timeout":
      return new GoalLeaseError({
        code: "model_request_timeout",
        message: `${endpoint} did not answer within ${timeoutMs} ms`,
        cause,
      });
    case "aborted":
      return new GoalLeaseError({
        code: "model_aborted",
        message: `The request to ${endpoint} was aborted`,
        cause,
      });
    case "other":
      return new GoalLeaseError({
        code: "model_request_failed",
        message: `The request to ${endpoint} failed: ${oneLine(cause instanceof Error ? cause.message : String(cause))}`,
        cause,
      });
  }
}

/**
 * The provider's own explanation of an HTTP error: the message in its error JSON when there is one, else the
 * SDK's message without the status it starts with (a proxy's HTML page, say).
 */
export function statusDetail(error: Error, status: number, bodyMessage: unknown): string {
  if (typeof bodyMessage === "string" && bodyMessage.trim() !== "") return bodyMessage;
  return error.message.replace(new RegExp(`^${status}\\s*`), "");
}

/** The system error code (ECONNREFUSED, ENOTFOUND, ...) somewhere in an error's cause chain, if any. */
export function networkErrorCode(error: unknown): string | undefined {
  const pending: unknown[] = [error];
  for (let seen = 0; pending.length > 0 && seen < 20; seen++) {
    const current = pending.shift();
    if (typeof current !== "object" || current === null) continue;
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string" && /^E[A-Z0-9_]+$/.test(code)) return code;
    pending.push(cause);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return undefined;
}

function deepestMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause instanceof Error; depth++) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}

function oneLine(text: string): string {
  // Fetch errors quote the URL they refused, credentials included.
  const line = text
    .replace(/\s+/g, " ")
    .replace(/\/\/[^\s/@]*@/g, "//")
    .trim();
  if (line === "") return "no error message";
  return line.length <= 200 ? line : `${line.slice(0, 200)}…`;
}
