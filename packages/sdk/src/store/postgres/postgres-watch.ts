import type { Client } from "pg";

/** How long to wait before listening again after the connection dropped, at most. */
const maxRetryMs = 5_000;

/**
 * Calls `listener` with the payload of every notification on `channel`, over a connection of its own that
 * comes back after a server restart; on every (re)connection, `missed()` names what may have been said
 * while nobody listened. Returns the unsubscribe.
 */
export function watchInbox(options: {
  url: string;
  channel: string;
  listener: (payload: string) => void;
  missed: () => Promise<string[]>;
}): () => void {
  let stopped = false;
  let client: Client | undefined;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (stopped) return;
    const { default: pg } = await import("pg");
    const next = new pg.Client({ connectionString: options.url });
    let retried = false;
    const retry = () => {
      if (retried) return;
      retried = true;
      next.removeAllListeners();
      // A connection being torn down may still report its socket's end; that is expected now.
      next.on("error", () => undefined);
      next.end().catch(() => undefined);
      if (client === next) client = undefined;
      if (stopped) return;
      timer = setTimeout(() => void connect(), retryMs);
      timer.unref();
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    };
    next.on("error", retry);
    next.on("end", () => {
      if (!stopped && client === next) retry();
    });
    next.on("notification", (message) => {
      if (message.channel === options.channel && message.payload) options.listener(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${options.channel}`);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
      retryMs = 100;
      for (const payload of new Set(await options.missed())) options.listener(payload);
    } catch {
      retry();
    }
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    client?.end().catch(() => undefined);
    client = undefined;
  };
}
