import { Hono } from "hono";
import { jsonError } from "./json-error.js";
import type { GoalMetrics } from "./metrics.js";
import { refuseOtherMethods } from "./other-methods.js";
import { secretsMatch } from "./secrets.js";

/** The path Prometheus scrapes. */
export const metricsPath = "/metrics";

/**
 * `GET /metrics`: the goals' metrics in the Prometheus text format, for `Authorization: Bearer <token>` with
 * the server's token or, when the server has one, its read-only metrics token (which opens nothing else).
 */
export function metricsRoutes(options: { metrics: GoalMetrics; tokens: readonly string[] }): Hono {
  const app = new Hono();
  app.get(metricsPath, async (context) => {
    const header = context.req.header("authorization");
    const given = header === undefined ? undefined : /^Bearer +(\S+)$/i.exec(header)?.[1];
    if (given === undefined || !options.tokens.some((token) => secretsMatch(given, token))) {
      return jsonError(
        context,
        401,
        "No or wrong token: send Authorization: Bearer <token>, the server's token or its --metrics-token-file token.",
      );
    }
    const text = await options.metrics.scrape();
    context.header("Cache-Control", "no-store");
    return context.body(text, 200, { "Content-Type": options.metrics.contentType });
  });
  refuseOtherMethods(app, metricsPath, ["GET"]);
  return app;
}
