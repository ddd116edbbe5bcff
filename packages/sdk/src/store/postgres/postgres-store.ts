import { randomUUID } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import { HostUsageError } from "../../errors.js";
import type { JsonValue } from "../../json.js";
import { acquisition, staleFence } from "../ownership.js";
import {
  leaseValues,
  type Row,
  toCommand,
  toLease,
  toOwner,
  toSession,
  toState,
  toTranscriptEntry,
} from "../rows.js";
import {
  type AcquireResult,
  type HostStore,
  type InboxCommand,
  type LeaseRecord,
  type LeaseSlot,
  maxLogEntries,
  type SessionOwner,
  type SessionRecord,
  type StateCondition,
  type StateWriteResult,
  type TranscriptEntry,
  type WriteOptions,
} from "../store.js";
import {
  checkedSchema,
  describeServer,
  type PostgresStoreOptions,
  prepare,
  storeFailure,
} from "./postgres-connect.js";
import { watchInbox } from "./postgres-watch.js";

type Query = Pick<PoolClient, "query">;

const ownerColumns = `o.session_key, o.owner_id, o.token,
  CASE WHEN o.released THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;

/** What the database raises for a write whose fence is no longer the session's owner. */
const staleFenceCode = "GLF01";

/** The notification channel that tells a session's owner a command was posted for it. */
export const inboxChannel = "goal_lease_inbox";

/**
 * The {@link HostStore} for host processes on several machines: PostgreSQL through `pg`. Each method is one
 * transaction and resolves after it commits. A write to a session first takes the session's lock and
 * checks its fence (one call), so writes to one session, and its acquisition, run one at a time, as on
 * SQLite; sessions do not wait for each other. Commands posted for a session wake its owner through
 * LISTEN/NOTIFY.
 */
export class PostgresStore implements HostStore {
  readonly #pool: Pool;
  readonly #server: string;
  readonly #url: string;
  readonly #schema: string;
  /**
   * Each session's writes in flight, chained: applied in the order they were called, as the host's lease
   * scheduler expects of every store, although the pool's connections could run them in any order.
   */
  readonly #sessionWrites = new Map<string, Promise<unknown>>();

  private constructor(pool: Pool, url: string, schema: string) {
    if (pool === undefined) {
      throw new HostUsageError({
        message: "Open a store with await PostgresStore.open(url), not new PostgresStore(...).",
      });
    }
    this.#pool = pool;
    this.#url = url;
    this.#schema = schema;
    this.#server = describeServer(url);
  }

  /**
   * Connects to `url` (`postgres://user:password@host:port/database`) and creates or migrates the schema;
   * an unreachable server, a refused login or a newer schema is one line that says what to do.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = checkedSchema(options.schema ?? "goal_lease");
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      options: `-c search_path=${schema}`,
    });
    // An idle connection the server dropped (a restart) is replaced at the next use, not fatal.
    pool.on("error", () => undefined);
    try {
      await prepare(pool, schema, describeServer(url), options);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(pool, url, schema);
  }

  /** The server and schema, for messages: never the password. */
  get location(): string {
    return `${this.#server} (schema ${this.#schema})`;
  }

  async getSession(sessionKey: string) {
    const { rows } = await this.#query("SELECT * FROM sessions WHERE session_key = $1", [sessionKey]);
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  async putSession(record: SessionRecord, options?: WriteOptions) {
    await this.#write(record.sessionKey, options, (client) =>
      client.query(
        `INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
           generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at`,
        [
          record.sessionKey,
          record.agentId,
          record.channel,
          record.generation,
          record.createdAt,
          record.closedAt ?? null,
        ],
      ),
    );
  }

  async listSessions() {
    const { rows } = await this.#query("SELECT * FROM sessions ORDER BY created_at, session_key");
    return rows.map(toSession);
  }

  async acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ): Promise<AcquireResult[]> {
    return this.#transaction(async (client) => {
      await keepAlive(client, ownerId, options);
      // One acquirer per session at a time, in key order so two hosts never wait on each other.
      await client.query(
        "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT DISTINCT unnest($1::text[]) AS k ORDER BY 1) AS keys",
        [sessionKeys],
      );
      const { rows } = await client.query(`SELECT ${ownerColumns} WHERE o.session_key = ANY($1)`, [
        sessionKeys,
      ]);
      const current = new Map(rows.map((row: Row) => [String(row.session_key), toOwner(row)]));
      const taken = new Map<string, number>();
      const results = sessionKeys.map((sessionKey) => {
        const result = acquisition(
          taken.has(sessionKey) ? ownerAt(sessionKey, ownerId, taken, options) : current.get(sessionKey),
          {
            sessionKey,
            ownerId,
            now: options.now,
          },
        );
        if (result.status === "acquired") taken.set(sessionKey, result.fence.token);
        return result;
      });
      if (taken.size > 0) {
        await client.query(
          `INSERT INTO session_owners (session_key, owner_id, token, released)
           SELECT k, $1, t, false FROM unnest($2::text[], $3::bigint[]) AS taken(k, t)
           ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token, released = false`,
          [ownerId, [...taken.keys()], [...taken.values()]],
        );
      }
      return results;
    });
  }

  async renewSessions(ownerId: string, options: { now: number; ttlMs: number }) {
    return this.#transaction(async (client) => {
      await keepAlive(client, ownerId, options);
      const { rows } = await client.query(
        "SELECT session_key FROM session_owners WHERE owner_id = $1 AND NOT released",
        [ownerId],
      );
      return rows.map((row: Row) => String(row.session_key));
    });
  }

  async releaseSessions(ownerId: string, sessionKeys?: readonly string[]) {
    await this.#transaction(async (client) => {
      if (!sessionKeys) {
        await client.query("UPDATE session_owners SET released = true WHERE owner_id = $1", [ownerId]);
        await client.query("DELETE FROM hosts WHERE owner_id = $1", [ownerId]);
        return;
      }
      await client.query(
        "UPDATE session_owners SET released = true WHERE owner_id = $1 AND session_key = ANY($2)",
        [ownerId, sessionKeys],
      );
    });
  }

  async listOwners() {
    const { rows } = await this.#query(`SELECT ${ownerColumns}`);
    return rows.map(toOwner);
  }

  async listOrphanedSessions(now: number) {
    const { rows } = await this.#query(
      `SELECT session_key FROM (
         SELECT session_key FROM leases
         UNION SELECT session_key FROM started_leases
         UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
       ) AS work
       WHERE NOT EXISTS (
         SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
         WHERE o.session_key = work.session_key AND NOT o.released AND h.expires_at > $1
       )`,
      [now],
    );
    return rows.map((row: Row) => String(row.session_key));
  }

  async postCommand(command: Omit<InboxCommand, "id" | "answer">) {
    const posted: InboxCommand = { ...command, id: randomUUID() };
    // The notification goes out when the insert commits, in the same statement.
    await this.#query(
      `WITH posted AS (
         INSERT INTO session_inbox (id, session_key, text, sender_id, sender_is_owner, posted_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING session_key
       ) SELECT pg_notify('${inboxChannel}', session_key) FROM posted`,
      [posted.id, posted.sessionKey, posted.text, posted.sender.id, posted.sender.isOwner, posted.postedAt],
    );
    return posted;
  }

  async getCommand(id: string) {
    const { rows } = await this.#query("SELECT * FROM session_inbox WHERE id = $1", [id]);
    return rows[0] ? toCommand(rows[0]) : undefined;
  }

  async listPendingCommands(sessionKey?: string) {
    const { rows } =
      sessionKey === undefined
        ? await this.#query("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at")
        : await this.#query(
            "SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = $1 ORDER BY posted_at",
            [sessionKey],
          );
    return rows.map(toCommand);
  }

  watchCommands(listener: (sessionKey: string) => void): () => void {
    return watchInbox({
      url: this.#url,
      channel: inboxChannel,
      listener,
      // Notifications sent while the listening connection was down are lost: re-read what is pending.
      missed: async () => (await this.listPendingCommands()).map((command) => command.sessionKey),
    });
  }

  async answerCommand(id: string, answer: { reply: string; at: number }, options?: WriteOptions) {
    const command = await this.getCommand(id);
    if (!command) return false;
    return this.#write(command.sessionKey, options, async (client) => {
      const result = await client.query(
        "UPDATE session_inbox SET reply = $1, answered_at = $2 WHERE id = $3 AND answered_at IS NULL",
        [answer.reply, answer.at, id],
      );
      return (result.rowCount ?? 0) > 0;
    });
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[], options?: WriteOptions) {
    if (entries.length === 0) return;
    await this.#call(sessionKey, options, "SELECT append_transcript($1, $2, $3, $4, $5, $6, $7, $8)", [
      sessionKey,
      entries.map((entry) => entry.generation),
      entries.map((entry) => entry.turnId),
      entries.map((entry) => entry.at),
      entries.map((entry) => entry.leaseId ?? null),
      entries.map((entry) => JSON.stringify(entry.message)),
    ]);
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    const { rows } = await this.#query(
      "SELECT * FROM transcript WHERE session_key = $1 AND generation = $2 ORDER BY id DESC LIMIT $3",
      [sessionKey, options.generation, Math.max(0, options.limit)],
    );
    return rows.reverse().map(toTranscriptEntry);
  }

  async readState(pluginId: string, scope: string, key: string) {
    const { rows } = await this.#query(
      "SELECT value, version FROM plugin_state WHERE plugin_id = $1 AND scope = $2 AND key = $3",
      [pluginId, scope, key],
    );
    return rows[0] ? toState(rows[0]) : undefined;
  }

  async writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
    options?: WriteOptions & { log?: readonly JsonValue[] },
  ): Promise<StateWriteResult> {
    const { rows } = await this.#call(
      scope,
      options,
      "SELECT * FROM write_state($1, $2, $3, $4, $5, $6, $7, $8)",
      [
        pluginId,
        scope,
        key,
        JSON.stringify(value),
        expectedVersion,
        options?.log?.map((entry) => JSON.stringify(entry)) ?? null,
      ],
    );
    const row = rows[0];
    if (row && row.written !== null) return { status: "written", version: Number(row.written) };
    const current = row
      ? toState({ value: row.current_value ?? null, version: row.current_version ?? null })
      : undefined;
    return { status: "conflict", current };
  }

  async deleteState(pluginId: string, scope: string, key: string, options?: WriteOptions) {
    return this.#write(scope, options, async (client) => {
      await client.query("DELETE FROM plugin_log WHERE plugin_id = $1 AND scope = $2 AND key = $3", [
        pluginId,
        scope,
        key,
      ]);
      const deleted = await client.query(
        "DELETE FROM plugin_state WHERE plugin_id = $1 AND scope = $2 AND key = $3",
        [pluginId, scope, key],
      );
      return (deleted.rowCount ?? 0) > 0;
    });
  }

  async appendLog(
    pluginId: string,
    scope: string,
    key: string,
    entries: readonly JsonValue[],
    options?: WriteOptions,
  ) {
    if (entries.length === 0) return;
    await this.#call(scope, options, "SELECT append_log($1, $2, $3, $4, $5, $6)", [
      pluginId,
      scope,
      key,
      entries.map((entry) => JSON.stringify(entry)),
    ]);
  }

  async readLog(pluginId: string, scope: string, key: string, options: { limit: number }) {
    const { rows } = await this.#query(
      `SELECT value FROM plugin_log WHERE plugin_id = $1 AND scope = $2 AND key = $3
       ORDER BY id DESC LIMIT $4`,
      [pluginId, scope, key, Math.max(0, Math.min(options.limit, maxLogEntries))],
    );
    return rows.reverse().map((row: Row) => JSON.parse(String(row.value)) as JsonValue);
  }

  async putLease(
    record: LeaseRecord,
    options?: WriteOptions & { ifState?: StateCondition },
  ): Promise<{ replaced: LeaseRecord | undefined } | { conflict: { version: number } }> {
    const { rows } = await this.#call(
      record.sessionKey,
      options,
      "SELECT * FROM put_lease($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      [...leaseValues(record), options?.ifState?.key ?? null, options?.ifState?.version ?? 0],
    );
    const row = rows[0];
    if (row && row.conflict_version !== null) return { conflict: { version: Number(row.conflict_version) } };
    return { replaced: row?.replaced ? toLease(row.replaced as unknown as Row) : undefined };
  }

  async getLease(slot: LeaseSlot) {
    const { rows } = await this.#query(
      "SELECT * FROM leases WHERE plugin_id = $1 AND session_key = $2 AND lease_key = $3",
      [slot.pluginId, slot.sessionKey, slot.leaseKey],
    );
    return rows[0] ? toLease(rows[0]) : undefined;
  }

  async deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions) {
    const { rows } = await this.#call(
      slot.sessionKey,
      options,
      "SELECT * FROM delete_lease($1, $2, $3, $4, $5, $6)",
      [slot.pluginId, slot.sessionKey, slot.leaseKey, expectedId ?? null],
    );
    return rows[0] ? toLease(rows[0]) : undefined;
  }

  async deleteSessionLeases(sessionKey: string, options?: WriteOptions) {
    return this.#write(sessionKey, options, async (client) => {
      const { rows } = await client.query("DELETE FROM leases WHERE session_key = $1 RETURNING *", [
        sessionKey,
      ]);
      return rows.map(toLease);
    });
  }

  async listLeases(sessionKey?: string) {
    return this.#leases("leases", sessionKey);
  }

  async claimLease(slot: LeaseSlot, id: string, options?: WriteOptions) {
    const { rows } = await this.#call(
      slot.sessionKey,
      options,
      "SELECT * FROM claim_lease($1, $2, $3, $4, $5, $6)",
      [slot.pluginId, slot.sessionKey, slot.leaseKey, id],
    );
    return rows[0] ? toLease(rows[0]) : undefined;
  }

  async finishLease(id: string, options?: WriteOptions) {
    // The session is the started lease's own, found inside the call; a stale fence is named by its id.
    await this.#call(`lease ${id}`, options, "SELECT finish_lease($1, $2, $3)", [id]);
  }

  async listStartedLeases(sessionKey?: string) {
    return this.#leases("started_leases", sessionKey);
  }

  async close() {
    await this.#pool.end().catch(() => undefined);
  }

  async #leases(table: "leases" | "started_leases", sessionKey: string | undefined) {
    const { rows } =
      sessionKey === undefined
        ? await this.#query(`SELECT * FROM ${table} ORDER BY due_at`)
        : await this.#query(`SELECT * FROM ${table} WHERE session_key = $1 ORDER BY due_at`, [sessionKey]);
    return rows.map(toLease);
  }

  async #query(sql: string, values?: unknown[]): Promise<{ rows: Row[] }> {
    try {
      return await this.#pool.query(sql, values);
    } catch (error) {
      throw storeFailure(this.#server, error);
    }
  }

  async #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient | undefined;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storeFailure(this.#server, error);
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
      throw storeFailure(this.#server, error);
    } finally {
      client.off("error", ignore);
      client.release();
    }
  }

  /**
   * One write to a session in one round trip: a database function that takes the session's lock, checks
   * the fence (the last two parameters) and writes, as one statement, so one transaction.
   */
  async #call(
    sessionKey: string,
    options: WriteOptions | undefined,
    sql: string,
    values: unknown[],
  ): Promise<{ rows: Row[] }> {
    const fence = options?.fence;
    return this.#inOrder(sessionKey, async () => {
      try {
        return await this.#pool.query(sql, [...values, fence?.ownerId ?? null, fence?.token ?? null]);
      } catch (error) {
        if ((error as { code?: string })?.code === staleFenceCode && fence)
          staleFence(undefined, sessionKey, fence);
        throw storeFailure(this.#server, error);
      }
    });
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

  /**
   * A transaction that writes to a session, holding the session's lock (one writer per session, and no
   * acquisition in between); with a fence, applied only while the fence is the session's owner.
   */
  #write<T>(sessionKey: string, options: WriteOptions | undefined, work: (client: PoolClient) => Promise<T>) {
    return this.#inOrder(sessionKey, () =>
      this.#transaction(async (client) => {
        const fence = options?.fence;
        try {
          await client.query("SELECT fence_session($1, $2, $3)", [
            sessionKey,
            fence?.ownerId ?? null,
            fence?.token ?? null,
          ]);
        } catch (error) {
          if ((error as { code?: string })?.code === staleFenceCode && fence)
            staleFence(undefined, sessionKey, fence);
          throw error;
        }
        return work(client);
      }),
    );
  }
}

async function keepAlive(client: Query, ownerId: string, options: { now: number; ttlMs: number }) {
  await client.query(
    `INSERT INTO hosts (owner_id, expires_at) VALUES ($1, $2)
     ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`,
    [ownerId, options.now + options.ttlMs],
  );
}

/** The owner a session has after this call already took it for `ownerId` (the same key twice). */
function ownerAt(
  sessionKey: string,
  ownerId: string,
  taken: Map<string, number>,
  options: { now: number; ttlMs: number },
): SessionOwner {
  return { sessionKey, ownerId, token: taken.get(sessionKey) ?? 0, expiresAt: options.now + options.ttlMs };
}

function ignore(): void {}
