import type { Context } from "hono";
import { type JsonError, jsonError } from "./json-error.js";

// The SDK's rule for session keys: wide enough for the keys hosts mint, never whitespace or quotes.
const sessionKeyPattern = /^[A-Za-z0-9:._@/+#=~,!-]{1,200}$/;

/** The `:session` of a route, checked; or the 400 response that says what a session key may hold. */
export function sessionParam(
  context: Context,
): { ok: true; session: string } | { ok: false; response: JsonError<400> } {
  const session = context.req.param("session") ?? "";
  if (sessionKeyPattern.test(session)) return { ok: true, session };
  return {
    ok: false,
    response: jsonError(
      context,
      400,
      `Invalid session key ${JSON.stringify(session.slice(0, 60))}: use 1-200 letters, digits or ":._@/+#=~,!-", URL-encoded.`,
    ),
  };
}
