import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A JSON response typed with its body and status, so a route's type (and the page's client) carries it. */
export type JsonResponse<Body, Status extends ContentfulStatusCode> = Response &
  TypedResponse<Body, Status, "json">;

/** A refusal, typed with its status. */
export type JsonError<Status extends ContentfulStatusCode = ContentfulStatusCode> = JsonResponse<
  { error: string },
  Status
>;

/** Every refusal is one JSON line a person can act on: `{ "error": "what was wrong; what to do" }`. */
export function jsonError<Status extends ContentfulStatusCode>(
  context: Context,
  status: Status,
  message: string,
): JsonError<Status> {
  return context.json({ error: message }, status);
}

/** The 404 of a session without a goal. */
export function noGoal(context: Context, session: string): JsonError<404> {
  return jsonError(
    context,
    404,
    `No goal in session ${JSON.stringify(session.slice(0, 60))}: GET /api/goals lists the goals.`,
  );
}
