import type { AddressInfo } from "node:net";
import type { HostStore } from "@goal-lease/sdk";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { apiPath, apiRoutes } from "./api-routes.js";
import { eventStreamPath, originsOf, refuseCrossSite, requireToken } from "./auth.js";
import { eventStreamHandler } from "./event-stream.js";
import { GoalWatcher } from "./goal-watcher.js";
import { jsonError } from "./json-error.js";
import { GoalMetrics } from "./metrics.js";
import { metricsRoutes } from "./metrics-routes.js";
import { refuseOtherMethods } from "./other-methods.js";
import { pageRoutes } from "./page-routes.js";
import { webhookRoutes } from "./webhook-routes.js";

/** What `goal-lease serve` runs. */
export interface ServerOptions {
  store: HostStore;
  /** The access token every API request must carry. */
  token: string;
  /** A read-only token that opens `GET /metrics` and nothing else. */
  metricsToken?: string;
  /** The server's webhook secret; without it the webhook route is off. */
  webhookSecret?: string;
  /** The address to bind; 127.0.0.1 unless the person chose another. */
  host: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** Where the built page is. */
  pageDirectory: string;
  /** How often the event stream looks for goal changes. */
  pollMs?: number;
  /** How long a control request waits for the goal's process to answer before saying it is queued. */
  forwardTimeoutMs?: number;
  /** How many event streams may be open at once. */
  maxStreams?: number;
}

/** A running server. */
export interface RunningServer {
  /** The server's own origin, e.g. `http://127.0.0.1:8765`. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server: the page, the token-guarded API and event stream, and the webhook. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  let origins = new Set<string>();
  const watcher = new GoalWatcher(options.store, { pollMs: options.pollMs ?? 300 });
  const events = eventStreamHandler({
    watcher,
    maxClients: options.maxStreams ?? 32,
    heartbeatMs: 15_000,
  });
  const forwardTimeoutMs = options.forwardTimeoutMs ?? 5_000;

  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: "no-referrer",
      xFrameOptions: "DENY",
      // Plain HTTP on loopback: a transport-security header would only be ignored.
      strictTransportSecurity: false,
    }),
  );
  app.use(
    `${apiPath}/*`,
    refuseCrossSite(() => origins),
    requireToken(options.token),
  );
  app.use(`${apiPath}/*`, async (context, next) => {
    await next();
    context.header("Cache-Control", "no-store");
  });
  app.get(eventStreamPath, events.handler);
  refuseOtherMethods(app, eventStreamPath, ["GET"]);
  app.route(
    apiPath,
    apiRoutes({ store: options.store, webhookSecret: options.webhookSecret, forwardTimeoutMs }),
  );
  app.route(
    "/hooks",
    webhookRoutes({ store: options.store, secret: options.webhookSecret, forwardTimeoutMs }),
  );
  const metrics = new GoalMetrics(options.store);
  const metricsTokens = [
    options.token,
    ...(options.metricsToken === undefined ? [] : [options.metricsToken]),
  ];
  app.route("/", metricsRoutes({ metrics, tokens: metricsTokens }));
  app.route("/", pageRoutes(options.pageDirectory));
  app.notFound((context) =>
    jsonError(
      context,
      404,
      `No route ${context.req.method} ${context.req.path.slice(0, 80)}: see docs/serve.md.`,
    ),
  );
  app.onError((error, context) =>
    jsonError(context, 500, `Server error: ${(error.message || String(error)).split("\n")[0]}`),
  );

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () =>
      resolve(started),
    );
    started.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  origins = originsOf(options.host, port);
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    origin: `http://${host}:${port}`,
    port,
    async close() {
      watcher.stop();
      events.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    },
  };
}
