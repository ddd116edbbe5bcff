// The page's side of the API. Every type here comes from the server's own: the routes' types (through
// Hono's typed client), the control verbs' schemas and the event stream's events. Only types cross over
// from the server's code; the client is Hono's, and the paths are checked against the server's constants.
import type { GoalVerbInput, RemoteGoalVerb } from "@goal-lease/goal-plugin/control";
import { hc, type InferResponseType } from "hono/client";
import type { JSONParsed } from "hono/utils/types";
import type { ApiRoutes, apiPath } from "../../src/serve/api-routes.js";
import type { eventStreamPath } from "../../src/serve/auth.js";
import type { StreamEvents } from "../../src/serve/event-stream.js";

type Client = ReturnType<typeof hc<ApiRoutes>>;
type GoalRoute = Client["goals"][":session"];

/** A goal in full, as `GET /api/goals/:session` answers. */
export type GoalDetail = InferResponseType<GoalRoute["$get"], 200>;

/** A goal as the list, the event stream and the detail carry it. */
export type GoalSummary = GoalDetail["goal"];

/** One entry of a goal's event log. */
export type GoalEvent = GoalDetail["events"][number];

/** The JSON each event of the stream carries, by event name. */
type StreamData = { [Name in keyof StreamEvents]: JSONParsed<StreamEvents[Name]> };

/**
 * What a control request came to: the owner's reply (applied, or not: 200 or 409), a queued command (202),
 * or a refusal (the server's, or the page's own before sending).
 */
export type ControlResult =
  | InferResponseType<GoalRoute[":verb"]["$post"], 200 | 202 | 409>
  | { status: "refused"; error: string };

// The server's paths, typed as its constants: were they to move, this would not compile.
const api: typeof apiPath = "/api";
const events: typeof eventStreamPath = "/api/events";

/** The API of the server that served this page, with the token as a bearer header. */
export class Api {
  readonly #token: string;
  readonly #client: Client;

  /** An API client that sends `token` with every request. */
  constructor(token: string) {
    this.#token = token;
    this.#client = hc<ApiRoutes>(api, { headers: { Authorization: `Bearer ${token}` } });
  }

  /** A goal in full: its summary, its event log and its webhook. */
  async detail(session: string): Promise<GoalDetail> {
    // Hono's client puts a parameter in the path as it is: the session key is encoded here.
    const response = await this.#client.goals[":session"].$get({
      param: { session: encodeURIComponent(session) },
    });
    if (!response.ok) throw new Error((await response.json()).error);
    return response.json();
  }

  /**
   * Sends a control verb (`pause`, `resume`, ...) with the body its schema takes. The owner's reply comes
   * back whether it applied the change (200) or not (409); a refusal comes back as its message.
   */
  async control<Verb extends RemoteGoalVerb>(
    session: string,
    verb: Verb,
    body: GoalVerbInput<Verb>,
  ): Promise<ControlResult> {
    const response = await this.#client.goals[":session"][":verb"].$post({
      param: { session: encodeURIComponent(session), verb },
      json: body,
    });
    if (response.ok) return response.json();
    const answer = await response.json();
    if ("error" in answer) return { status: "refused", error: answer.error };
    return answer;
  }

  /**
   * Follows the event stream; the browser reconnects by itself, and each (re)connection starts with a
   * snapshot. Returns the function that closes it.
   */
  follow(handlers: {
    snapshot(goals: StreamData["snapshot"]): void;
    goal(goal: StreamData["goal"]): void;
    removed(session: string): void;
    connection(state: "live" | "reconnecting" | "closed"): void;
  }): () => void {
    // EventSource cannot send headers; the server takes the token in this one read-only URL.
    const source = new EventSource(`${events}?token=${encodeURIComponent(this.#token)}`);
    const on = <Name extends keyof StreamData>(name: Name, handle: (data: StreamData[Name]) => void) =>
      source.addEventListener(name, (event) => handle(JSON.parse(event.data) as StreamData[Name]));
    source.addEventListener("open", () => handlers.connection("live"));
    source.addEventListener("error", () =>
      handlers.connection(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting"),
    );
    on("snapshot", handlers.snapshot);
    on("goal", handlers.goal);
    on("removed", (data) => handlers.removed(data.session));
    return () => source.close();
  }
}
