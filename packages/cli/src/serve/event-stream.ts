import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { GoalWatcher } from "./goal-watcher.js";
import { jsonError } from "./json-error.js";

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
    const closed = new AbortController();
    streams.add(closed);
    return streamSSE(context, async (stream) => {
      const unsubscribe = options.watcher.subscribe((change) => {
        const data = JSON.stringify(change.type === "goal" ? change.goal : { session: change.session });
        void stream.writeSSE({ event: change.type, data }).catch(() => closed.abort());
      });
      stream.onAbort(() => closed.abort());
      try {
        const goals = await options.watcher.snapshot();
        await stream.writeSSE({ event: "snapshot", data: JSON.stringify(goals) });
        const ended = new Promise((resolve) =>
          closed.signal.addEventListener("abort", resolve, { once: true }),
        );
        while (!closed.signal.aborted) {
          await Promise.race([stream.sleep(options.heartbeatMs), ended]);
          if (!closed.signal.aborted) await stream.write(": heartbeat\n\n");
        }
      } finally {
        unsubscribe();
        streams.delete(closed);
      }
    });
  };
  /** Ends every open stream, so the server can close. */
  const closeAll = () => {
    for (const stream of streams) stream.abort();
  };
  return { handler, closeAll };
}
