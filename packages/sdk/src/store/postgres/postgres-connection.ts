import type { Pool, PoolClient } from "pg";
import { staleFence } from "../ownership.js";
import type { Row } from "../rows.js";
import type { Fence } from "../store.js";
import { storeFailure } from "./postgres-open.js";

/** What the database raises for a write whose fence is no longer the session's owner. */
const staleFenceCode = "GLF01";

/**
 * The store's pool and how it talks through it: reads, transactions, and writes to a session, which run in
 * the order they were called (as the host's lease scheduler expects of every store, although the pool's
 * connections could run them in any order) and are refused, in one line, to a process that lost the session.
 */
export class PostgresConnection {
  /** The server in messages: never the password. */
  readonly server: string;
  readonly #pool: Pool;
  /** Each session's writes in flight, chained. */
  readonly #sessionWrites = new Map<string, Promise<unknown>>();

  constructor(pool: Pool, server: string) {
    this.#pool = pool;
    this.server = server;
  }

  async query(sql: string, values?: unknown[]): Promise<{ rows: Row[] }> {
    try {
      return await this.#pool.query(sql, values);
    } catch (error) {
      throw storeFailure(this.server, error);
    }
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient | undefined;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeFailure(this.server, error);
    }
    // A connection the server drops between two statements says so here too; the statement fails with it.
    client.on("error", ignore);
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw storeFailure(this.server, error);
    } finally {
      client.off("error", ignore);
      client.release();
    }
  }

  /**
   * One write to a session in one round trip: a database function that takes the session's lock, checks
   * `fence` (passed as its last two parameters) and writes, as one statement, so one transaction.
   */
  call(
    sessionKey: string,
    fence: Fence | undefined,
    sql: string,
    values: unknown[],
  ): Promise<{ rows: Row[] }> {
    return this.#inOrder(sessionKey, async () => {
      try {
        return await this.#pool.query(sql, [...values, fence?.ownerId ?? null, fence?.token ?? null]);
      } catch (error) {
        throw storeFailure(this.server, fenceFailure(error, sessionKey, fence));
      }
    });
  }

  /**
   * A transaction that writes to a session, holding the session's lock (one writer per session, and no
   * acquisition in between); with a fence, applied only while the fence is the session's owner.
   */
  write<T>(
    sessionKey: string,
    fence: Fence | undefined,
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.#inOrder(sessionKey, () =>
      this.transaction(async (client) => {
        await client
          .query("SELECT fence_session($1, $2, $3)", [
            sessionKey,
            fence?.ownerId ?? null,
            fence?.token ?? null,
          ])
          .catch((error: unknown) => {
            throw fenceFailure(error, sessionKey, fence);
          });
        return work(client);
      }),
    );
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }

  /** Runs `work` after the session's earlier writes have settled, whatever became of them. */
  #inOrder<T>(sessionKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#sessionWrites.get(sessionKey) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#sessionWrites.set(sessionKey, settled);
    void settled.then(() => {
      if (this.#sessionWrites.get(sessionKey) === settled) this.#sessionWrites.delete(sessionKey);
    });
    return result;
  }
}

/** The database's refusal of a stale fence as the store's one-line error; any other error as it came. */
function fenceFailure(error: unknown, sessionKey: string, fence: Fence | undefined): unknown {
  if (!fence || (error as { code?: string })?.code !== staleFenceCode) return error;
  try {
    staleFence(undefined, sessionKey, fence);
  } catch (refused) {
    return refused;
  }
  return error;
}

function ignore(): void {}
