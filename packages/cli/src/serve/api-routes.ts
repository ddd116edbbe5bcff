import {
  type GoalChange,
  type GoalVerbInput,
  goalVerbs,
  isRemoteGoalVerb,
  type RemoteGoalVerb,
  remoteGoalVerbs,
} from "@goal-lease/goal-plugin";
import type { HostStore } from "@goal-lease/sdk";
import { type Env, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { forwardChange } from "./forward-control.js";
import { readGoalDetail, readGoalSummaries, readVersionedGoal } from "./goal-reads.js";
import { maxBodyBytes, readJsonBody, requireJson } from "./json-body.js";
import { type JsonError, jsonError, noGoal } from "./json-error.js";
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

/** Where the server mounts the goal routes. */
export const apiPath = "/api";

/**
 * The goal routes' type: each path, its input and its answers, by status. The page's typed client is built
 * from it (`hc<ApiRoutes>(apiPath)`), so the page cannot drift from the API; it imports the type alone.
 */
export type ApiRoutes = ReturnType<typeof apiRoutes>;

/** The sender every control request acts as: the person holding the server's token owns its goals. */
const dashboardSender = Object.freeze({ id: "goal-lease-serve", isOwner: true });

/**
 * The goal routes, mounted under `/api` behind the token and the cross-site checks:
 * `GET /goals`, `GET /goals/:session`, and `POST /goals/:session/{pause,resume,clear,done,edit,wake}`.
 * They are chained, so the value's type carries every route's input and answers ({@link ApiRoutes}).
 */
export function apiRoutes(options: ApiRoutesOptions) {
  const { store } = options;
  const api = new Hono()
    .get("/goals", async (context) => context.json({ goals: await readGoalSummaries(store) }, 200))
    .get("/goals/:session", async (context) => {
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
      return context.json({ goal: detail.summary, events: detail.events, webhook }, 200);
    })
    .post(
      "/goals/:session/:verb",
      bodyLimit({
        maxSize: maxBodyBytes,
        onError: (context) =>
          jsonError(context, 413, `The body is over ${maxBodyBytes} bytes; send a shorter note.`),
      }),
      requireJson(),
      validControl(),
      async (context) => {
        const { session, verb } = context.req.valid("param");
        if (!(await readVersionedGoal(store, session))) return noGoal(context, session);
        return forwardChange(context, store, {
          session,
          change: { verb, input: context.req.valid("json") } as GoalChange,
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

/** A control request's path: the session and one of the verbs another process may send. */
interface ControlParam {
  session: string;
  verb: RemoteGoalVerb;
}

/** What a control request takes (`in`, what the page's client sends) and what its handler reads (`out`). */
interface ControlInput {
  in: { param: ControlParam; json: GoalVerbInput<RemoteGoalVerb> };
  out: { param: ControlParam; json: z.output<(typeof goalVerbs)[RemoteGoalVerb]["input"]> };
}

/**
 * The control route's validator, as Hono's validators work (its handler reads `context.req.valid`, and the
 * route's type says what to send): a verb another process may send (or 404), a valid session key (or 400),
 * and a body its verb's schema accepts (or 400). Hono's own JSON validator is not used: an empty body here
 * stands for `{}`, and a malformed one gets this server's one-line answer.
 */
function validControl(): MiddlewareHandler<
  Env,
  "/goals/:session/:verb",
  ControlInput,
  JsonError<400> | JsonError<404>
> {
  return async (context, next) => {
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
    context.req.addValidatedData("param", { session: param.session, verb } satisfies ControlParam);
    context.req.addValidatedData("json", body.value);
    await next();
  };
}
