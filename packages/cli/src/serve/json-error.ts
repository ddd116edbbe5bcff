import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every refusal is one JSON line a person can act on: `{ "error": "what was wrong; what to do" }`. */
export function jsonError(context: Context, status: ContentfulStatusCode, message: string): Response {
  return context.json({ error: message }, status);
}
