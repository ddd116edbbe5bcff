import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { GoalSummary } from "./goal-summary.js";
import type { GoalWatcher } from "./goal-watcher.js";
import { jsonError } from "./json-error.js";

/** Each event of the stream by name, and the JSON its data holds: the page reads these types. */
export interface StreamEvents {
  /** Every goal, most recently changed first: the first event of each connection. */
  snapshot: GoalSummary[];
  /** A goal as it was just written. */
  goal: GoalSummary;
  /** A goal that is gone. */
  removed: { session: string };
}

/** Options of the event stream. */
export interface EventStreamOptions {
  watcher: GoalWatcher;
  /** How many clients may listen at once; more get 503. */
  maxClients: number;
  /** How often an idle stream sends a comment, so proxies and browsers keep it open. */
  heartbeatMs: number;
}

/**
 * `GET /api/events`: server-sent events. First a `snapshot` of every goal, then a `goal` event with a
 * goal's summary each time it is written and `removed` when one is gone. Listening starts before the
 * snapshot is taken, so no change falls between them; a client keeps the copy with the highest version.
 */
export function eventStreamHandler(options: EventStreamOptions) {
  const streams = new Set<AbortController>();
  const handler = (context: Context): Response => {
    if (streams.size >= options.maxClients) {
      return jsonError(
        context,
        503,
        `Too many dashboards open (${options.maxClients}); close one and reload.`,
      );
    }
    // Hono answers HEAD by running the GET handler and dropping its body unread, so a stream opened
    // for HEAD would never hear that it ended and would keep its slot for good: HEAD gets the headers alone.
    if (context.req.method === "HEAD") {
      return context.body(null, 200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    }
    // A slot is freed the moment its stream ends, whichever way: the client goes (its response is
    // cancelled or its request aborted), the stream fails, or the server closes.
    const closed = new AbortController();
    streams.add(closed);
    closed.signal.addEventListener("abort", () => streams.delete(closed), { once: true });
    const request = context.req.raw.signal;
    if (request.aborted) closed.abort();
    else request.addEventListener("abort", () => closed.abort(), { once: true });
    return streamSSE(context, async (stream) => {
      stream.onAbort(() => closed.abort());
      const send = <Name extends keyof StreamEvents>(event: Name, data: StreamEvents[Name]) =>
        stream.writeSSE({ event, data: JSON.stringify(data) });
      const unsubscribe = options.watcher.subscribe((change) => {
        const sent =
          change.type === "goal" ? send("goal", change.goal) : send("removed", { session: change.session });
        void sent.catch(() => closed.abort());
      });
      try {
        if (closed.signal.aborted) return;
        await send("snapshot", await options.watcher.snapshot());
        const ended = new Promise((resolve) =>
          closed.signal.addEventListener("abort", resolve, { once: true }),
        );
        while (!closed.signal.aborted) {
          await Promise.race([stream.sleep(options.heartbeatMs), ended]);
          if (!closed.signal.aborted) await stream.write(": heartbeat\n\n");
        }
      } finally {
        unsubscribe();
        closed.abort();
      }
    });
  };
  /** Ends every open stream, so the server can close. */
  const closeAll = () => {
    for (const stream of streams) stream.abort();
  };
  return { handler, closeAll };
}
