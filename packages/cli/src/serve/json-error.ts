import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every refusal is one JSON line a person can act on: `{ "error": "what was wrong; what to do" }`. */
export function jsonError(context: Context, status: ContentfulStatusCode, message: string): Response {
  return context.json({ error: message }, status);
}

/** The 404 of a session without a goal. */
export function noGoal(context: Context, session: string): Response {
  return jsonError(
    context,
    404,
    `No goal in session ${JSON.stringify(session.slice(0, 60))}: GET /api/goals lists the goals.`,
  );
}
