import type { Hono } from "hono";
import { jsonError } from "./json-error.js";

/** The methods a route serves. */
export type ServedMethod = "GET" | "POST";

/**
 * Answers every method `path` does not serve with 405 and the `Allow` header. It must be registered after
 * the path's own routes, which answer first; without it Hono would answer 404, as if the path were not
 * there. A GET route serves HEAD too (Hono runs its GET handler and drops the body).
 */
export function refuseOtherMethods(app: Hono, path: string, methods: readonly ServedMethod[]): void {
  const allowed = methods.flatMap((method) => (method === "GET" ? ["GET", "HEAD"] : [method])).join(", ");
  app.all(path, (context) => {
    context.header("Allow", allowed);
    return jsonError(
      context,
      405,
      `${context.req.method.slice(0, 20)} is not served on ${context.req.path.slice(0, 80)}: use ${allowed}.`,
    );
  });
}
