import { goalVerbs } from "@goal-lease/goal-plugin";
import type { HostStore } from "@goal-lease/sdk";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { forwardChangeAccepted } from "./forward-control.js";
import { readVersionedGoal } from "./goal-reads.js";
import { isJsonType, maxBodyBytes, readJsonBody } from "./json-body.js";
import { jsonError, noGoal } from "./json-error.js";
import { refuseOtherMethods } from "./other-methods.js";
import { secretsMatch, sessionWebhookSecret } from "./secrets.js";
import { sessionParam } from "./session-param.js";

/** The header a webhook carries its secret in. */
export const webhookSecretHeader = "x-goal-lease-secret";

const webhookSender = Object.freeze({ id: "goal-lease-webhook", isOwner: true });

/**
 * `POST /hooks/wake/:session`, for CI: wakes a waiting goal. The `X-Goal-Lease-Secret` header holds the
 * goal's own secret (shown on its page) or the server's webhook secret. The secret is checked before
 * anything is looked up, so a caller without it learns nothing, not even whether the session exists.
 * Idempotent: wakes of one wait coalesce into one continuation, which the goal plugin guarantees. An
 * optional JSON body `{ "note": "..." }` says why, for the goal's log. Answers 202.
 */
export function webhookRoutes(options: {
  store: HostStore;
  secret: string | undefined;
  forwardTimeoutMs: number;
}): Hono {
  const hooks = new Hono();
  hooks.post(
    "/wake/:session",
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (context) =>
        jsonError(context, 413, `The body is over ${maxBodyBytes} bytes; send a shorter note.`),
    }),
    async (context) => {
      if (options.secret === undefined) {
        return jsonError(
          context,
          404,
          "Webhooks are off: start goal-lease serve with --webhook-secret-file FILE.",
        );
      }
      const given = context.req.header(webhookSecretHeader);
      const session = context.req.param("session");
      const valid =
        given !== undefined &&
        (secretsMatch(given, sessionWebhookSecret(options.secret, session)) ||
          secretsMatch(given, options.secret));
      if (!valid) {
        return jsonError(
          context,
          401,
          "Wrong or missing X-Goal-Lease-Secret: use the goal's webhook secret from the dashboard.",
        );
      }
      const param = sessionParam(context);
      if (!param.ok) return param.response;
      const type = context.req.header("content-type");
      if (type !== undefined && !isJsonType(type)) {
        return jsonError(context, 415, "Send no body, or JSON with Content-Type: application/json.");
      }
      const body = await readJsonBody(context, goalVerbs.wake.input);
      if (!body.ok) return body.response;
      if (!(await readVersionedGoal(options.store, param.session))) return noGoal(context, param.session);
      return forwardChangeAccepted(context, options.store, {
        session: param.session,
        change: { verb: "wake", input: { note: body.value.note ?? "webhook" } },
        sender: webhookSender,
        timeoutMs: options.forwardTimeoutMs,
      });
    },
  );
  refuseOtherMethods(hooks, "/wake/:session", ["POST"]);
  return hooks;
}
