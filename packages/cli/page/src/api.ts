import type { GoalEvent } from "@goal-lease/goal-plugin";
import type { GoalSummary } from "../../src/serve/goal-summary.js";

export type { GoalEvent, GoalSummary };

/** A goal in full, as `GET /api/goals/:session` answers. */
export interface GoalDetail {
  goal: GoalSummary;
  events: GoalEvent[];
  webhook: { path: string; secret: string } | null;
}

/** What a control request came to: the owner's reply, a queued command, or a refusal. */
export type ControlResult =
  | { status: "answered"; reply: string }
  | { status: "queued"; message: string }
  | { status: "refused"; error: string };

/** The API of the server that served this page, with the token as a bearer header. */
export class Api {
  readonly #token: string;

  /** An API client that sends `token` with every request. */
  constructor(token: string) {
    this.#token = token;
  }

  /** A goal in full: its summary, its event log and its webhook. */
  async detail(session: string): Promise<GoalDetail> {
    const response = await fetch(`/api/goals/${encodeURIComponent(session)}`, {
      headers: { Authorization: `Bearer ${this.#token}` },
    });
    if (!response.ok) throw new Error(((await response.json()) as { error: string }).error);
    return (await response.json()) as GoalDetail;
  }

  /** Sends a control verb (`pause`, `resume`, ...) with its body; a refusal comes back as its message. */
  async control(session: string, verb: string, body: Record<string, unknown>): Promise<ControlResult> {
    const response = await fetch(`/api/goals/${encodeURIComponent(session)}/${verb}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.#token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, string>;
    if (!response.ok) return { status: "refused", error: answer.error ?? response.statusText };
    return answer.status === "answered"
      ? { status: "answered", reply: answer.reply ?? "" }
      : { status: "queued", message: answer.message ?? "" };
  }

  /**
   * Follows the event stream; the browser reconnects by itself, and each (re)connection starts with a
   * snapshot. Returns the function that closes it.
   */
  follow(handlers: {
    snapshot(goals: GoalSummary[]): void;
    goal(goal: GoalSummary): void;
    removed(session: string): void;
    connection(state: "live" | "reconnecting" | "closed"): void;
  }): () => void {
    // EventSource cannot send headers; the server takes the token in this one read-only URL.
    const source = new EventSource(`/api/events?token=${encodeURIComponent(this.#token)}`);
    source.addEventListener("open", () => handlers.connection("live"));
    source.addEventListener("error", () =>
      handlers.connection(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting"),
    );
    source.addEventListener("snapshot", (event) =>
      handlers.snapshot(JSON.parse(event.data) as GoalSummary[]),
    );
    source.addEventListener("goal", (event) => handlers.goal(JSON.parse(event.data) as GoalSummary));
    source.addEventListener("removed", (event) =>
      handlers.removed((JSON.parse(event.data) as { session: string }).session),
    );
    return () => source.close();
  }
}
