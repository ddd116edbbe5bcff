import { type GoalChange, goalVerbs, isRemoteGoalVerb, remoteGoalVerbs } from "@goal-lease/goal-plugin";
import type { HostStore } from "@goal-lease/sdk";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { forwardChange } from "./forward-control.js";
import { readGoalDetail, readGoalSummaries, readVersionedGoal } from "./goal-reads.js";
import { maxBodyBytes, readJsonBody, requireJson } from "./json-body.js";
import { jsonError, noGoal } from "./json-error.js";
import { refuseOtherMethods } from "./other-methods.js";
import { sessionWebhookSecret } from "./secrets.js";
import { sessionParam } from "./session-param.js";

/** What the goal routes use. */
export interface ApiRoutesOptions {
  store: HostStore;
  /** The server's webhook secret, if webhooks are on: a goal's detail then carries its own wake secret. */
  webhookSecret: string | undefined;
  /** How long a control request waits for the goal's process to answer. */
  forwardTimeoutMs: number;
}

/** The sender every control request acts as: the person holding the server's token owns its goals. */
const dashboardSender = Object.freeze({ id: "goal-lease-serve", isOwner: true });

/**
 * The goal routes, mounted under `/api` behind the token and the cross-site checks:
 * `GET /goals`, `GET /goals/:session`, and `POST /goals/:session/{pause,resume,clear,done,edit,wake}`.
 */
export function apiRoutes(options: ApiRoutesOptions): Hono {
  const { store } = options;
  const api = new Hono();

  api.get("/goals", async (context) => context.json({ goals: await readGoalSummaries(store) }));

  api.get("/goals/:session", async (context) => {
    const param = sessionParam(context);
    if (!param.ok) return param.response;
    const detail = await readGoalDetail(store, param.session);
    if (!detail) return noGoal(context, param.session);
    const webhook =
      options.webhookSecret === undefined
        ? null
        : {
            path: `/hooks/wake/${encodeURIComponent(param.session)}`,
            secret: sessionWebhookSecret(options.webhookSecret, param.session),
          };
    return context.json({ goal: detail.summary, events: detail.events, webhook });
  });

  api.post(
    "/goals/:session/:verb",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (context) =>
        jsonError(context, 413, `The body is over ${maxBodyBytes} bytes; send a shorter note.`),
    }),
    requireJson(),
    async (context) => {
      const verb = context.req.param("verb");
      if (!isRemoteGoalVerb(verb)) {
        return jsonError(
          context,
          404,
          `Unknown action ${JSON.stringify(verb.slice(0, 40))}: use ${remoteGoalVerbs.join(", ")}.`,
        );
      }
      const param = sessionParam(context);
      if (!param.ok) return param.response;
      const body = await readJsonBody(context, goalVerbs[verb].input);
      if (!body.ok) return body.response;
      if (!(await readVersionedGoal(store, param.session))) return noGoal(context, param.session);
      return forwardChange(context, store, {
        session: param.session,
        change: { verb, input: body.value } as GoalChange,
        sender: dashboardSender,
        timeoutMs: options.forwardTimeoutMs,
      });
    },
  );

  refuseOtherMethods(api, "/goals", ["GET"]);
  refuseOtherMethods(api, "/goals/:session", ["GET"]);
  refuseOtherMethods(api, "/goals/:session/:verb", ["POST"]);
  return api;
}
