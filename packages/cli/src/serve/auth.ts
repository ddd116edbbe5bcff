import type { MiddlewareHandler } from "hono";
import { jsonError } from "./json-error.js";
import { secretsMatch } from "./secrets.js";

/** The path of the event stream: the one request that may carry the token in its URL. */
export const eventStreamPath = "/api/events";

/**
 * Requires the server's token as `Authorization: Bearer <token>`. Only the event stream, a read-only GET,
 * also takes it as `?token=`: the browser's EventSource cannot set headers, and a URL token there lets the
 * page use the browser's own reconnecting stream instead of a hand-made one; it changes nothing, and the
 * page's no-referrer policy keeps the URL from leaking.
 */
export function requireToken(token: string): MiddlewareHandler {
  return async (context, next) => {
    const header = context.req.header("authorization");
    const bearer = header === undefined ? undefined : /^Bearer +(\S+)$/i.exec(header)?.[1];
    const inUrl =
      context.req.method === "GET" && context.req.path === eventStreamPath
        ? context.req.query("token")
        : undefined;
    const given = bearer ?? inUrl;
    if (given === undefined) {
      return jsonError(
        context,
        401,
        "No token: send Authorization: Bearer <token>, the token goal-lease serve printed or read from --token-file.",
      );
    }
    if (!secretsMatch(given, token)) {
      return jsonError(
        context,
        401,
        "Wrong token: use the token goal-lease serve printed or read from --token-file.",
      );
    }
    await next();
  };
}

/**
 * Refuses a state-changing request that another site's page could have made: it must be a POST whose
 * `Origin`, when the browser sends one, is this server's own, not marked `Sec-Fetch-Site: cross-site`, and
 * JSON (which a plain HTML form cannot send).
 */
export function refuseCrossSite(ownOrigins: () => ReadonlySet<string>): MiddlewareHandler {
  return async (context, next) => {
    if (context.req.method === "GET" || context.req.method === "HEAD") return next();
    const origin = context.req.header("origin");
    if (origin !== undefined && !ownOrigins().has(origin)) {
      return jsonError(
        context,
        403,
        `Origin ${JSON.stringify(origin.slice(0, 100))} refused: use the dashboard this server serves.`,
      );
    }
    if (context.req.header("sec-fetch-site") === "cross-site") {
      return jsonError(context, 403, "Cross-site request refused: use the dashboard this server serves.");
    }
    await next();
  };
}

/** The origins a browser shows for this server: loopback names (or the bound address) with the port. */
export function originsOf(host: string, port: number): Set<string> {
  const names = isLoopback(host)
    ? ["127.0.0.1", "localhost", "[::1]"]
    : [host.includes(":") ? `[${host}]` : host];
  return new Set(names.map((name) => `http://${name}:${port}`));
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
