import type { Pool, PoolClient } from "pg";
import { staleFence } from "../ownership.js";
import type { Row } from "../rows.js";
import type { Fence } from "../store.js";
import { notAppliedError } from "../write-after.js";
import { PostgresGroupCommit } from "./postgres-group-commit.js";
import { storeFailure } from "./postgres-open.js";

/** What the database raises for a write whose fence is no longer the session's owner. */
const staleFenceCode = "GLF01";
/** What it answers for a write that depended on one that did not apply. */
const notAppliedCode = "GLF03";

/**
 * The store's pool and how it talks through it: reads, transactions, and writes to a session, which apply in
 * the order they were called (as the host's lease scheduler expects of every store: they all go through one
 * group commit) and are refused, in one line, to a process that lost the session.
 */
export class PostgresConnection {
  /** The server in messages: never the password. */
  readonly server: string;
  readonly #pool: Pool;
  readonly #group: PostgresGroupCommit;
  /** The `after` of the store write being made, for its one {@link call}. */
  #after: Promise<unknown> | undefined;

  constructor(pool: Pool, server: string) {
    this.#pool = pool;
    this.server = server;
    this.#group = new PostgresGroupCommit(pool);
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
   * One write to a session: the write `fn` with its `values`, fenced by `fence` (the op's owner and token;
   * none: unfenced). The writes made while a batch is in flight (or in one event-loop turn) go to the server
   * together, as one statement (`apply_batch`), so one transaction and one round trip; the server takes each
   * session's lock and checks its fence before the session's writes run, and a refused or failed write
   * changes nothing and fails alone. `lockKey` is the session whose lock the write takes, when `sessionKey`
   * only names it.
   */
  call(
    sessionKey: string,
    fence: Fence | undefined,
    fn: string,
    values: unknown[],
    lockKey: string = sessionKey,
  ): Promise<Row[]> {
    const after = this.#after;
    this.#after = undefined;
    // The group commit sends writes in the order they were called (one batch at a time, each in call order
    // within a session), so a session's writes made together share a batch and still apply in order.
    const op = fence ? { f: fn, a: values, o: fence.ownerId, t: fence.token } : { f: fn, a: values };
    return this.#group.add(lockKey, op, after).catch((error: unknown) => {
      if ((error as { code?: string })?.code === notAppliedCode) throw notAppliedError();
      throw storeFailure(this.server, fenceFailure(error, sessionKey, fence));
    });
  }

  /**
   * A store write (`write` makes its one {@link call} before its first await) that applies only if the
   * earlier write `after` did, if given.
   */
  write<T>(after: Promise<unknown> | undefined, write: () => Promise<T>): Promise<T> {
    if (after === undefined) return write();
    this.#after = after;
    try {
      return write();
    } finally {
      this.#after = undefined;
    }
  }

  /** {@link write}, whose answer a later write may name as its `after` (a state write, a claim). */
  tracked<T>(after: Promise<unknown> | undefined, write: () => Promise<T>): Promise<T> {
    this.#after = after;
    try {
      return this.#group.track(write);
    } catch (error) {
      return Promise.reject(error);
    } finally {
      this.#after = undefined;
    }
  }

  async close(): Promise<void> {
    await this.#group.drained();
    await this.#pool.end().catch(() => undefined);
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

/** A character an array literal's element escapes. */
const needsEscape = /[\\"]/;
const escaped = /[\\"]/g;

/**
 * A PostgreSQL array literal of `values` (`{"a","b",NULL}`), for an array argument of a write: the server
 * decodes it with its own cast, far cheaper than taking a JSON array apart element by element.
 */
export function arrayLiteral(values: readonly (string | number | null | undefined)[]): string {
  let literal = "{";
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (index > 0) literal += ",";
    if (value === null || value === undefined) literal += "NULL";
    else {
      const text = String(value);
      literal += `"${needsEscape.test(text) ? text.replace(escaped, "\\$&") : text}"`;
    }
  }
  return `${literal}}`;
}
