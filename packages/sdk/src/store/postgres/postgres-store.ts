import type { Pool } from "pg";
import { HostUsageError } from "../../errors.js";
import type { JsonValue } from "../../json.js";
import { writeFence } from "../ownership.js";
import { type Row, toSession, toState, toTranscriptEntry } from "../rows.js";
import {
  type CommandAnswer,
  type HostStore,
  type InboxCommand,
  type LeaseRecord,
  type LeaseSlot,
  maxLogEntries,
  type SessionRecord,
  type StateCondition,
  type StateWriteResult,
  type TranscriptEntry,
  type WriteOptions,
} from "../store.js";
import { checkedSchema, describeServer, type PostgresStoreOptions, prepare } from "./postgres-connect.js";
import { PostgresConnection } from "./postgres-connection.js";
import * as inbox from "./postgres-inbox.js";
import * as leases from "./postgres-leases.js";
import * as owners from "./postgres-owners.js";

/**
 * The {@link HostStore} for host processes on several machines: PostgreSQL through `pg`. Each method is one
 * transaction and resolves after it commits. A write to a session first takes the session's lock and
 * checks its fence (one call), so writes to one session, and its acquisition, run one at a time, as on
 * SQLite; sessions do not wait for each other. Commands posted for a session wake its owner through
 * LISTEN/NOTIFY (`postgres-inbox.ts`).
 */
export class PostgresStore implements HostStore {
  readonly #db: PostgresConnection;
  /** For the LISTEN connection, which is a connection of its own. */
  readonly #url: string;

  private constructor(pool: Pool, url: string) {
    if (pool === undefined) {
      throw new HostUsageError({
        message: "Open a store with await PostgresStore.open(url), not new PostgresStore(...).",
      });
    }
    this.#db = new PostgresConnection(pool, describeServer(url));
    this.#url = url;
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
    return new PostgresStore(pool, url);
  }

  async getSession(sessionKey: string) {
    const { rows } = await this.#db.query("SELECT * FROM sessions WHERE session_key = $1", [sessionKey]);
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  async putSession(record: SessionRecord, options?: WriteOptions) {
    await this.#db.write(record.sessionKey, writeFence(record.sessionKey, options), (client) =>
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
    const { rows } = await this.#db.query("SELECT * FROM sessions ORDER BY created_at, session_key");
    return rows.map(toSession);
  }

  acquireSessions(sessionKeys: readonly string[], ownerId: string, options: { now: number; ttlMs: number }) {
    return owners.acquireSessions(this.#db, sessionKeys, ownerId, options);
  }

  renewSessions(ownerId: string, options: { now: number; ttlMs: number }) {
    return owners.renewSessions(this.#db, ownerId, options);
  }

  releaseSessions(ownerId: string, sessionKeys?: readonly string[]) {
    return owners.releaseSessions(this.#db, ownerId, sessionKeys);
  }

  listOwners() {
    return owners.listOwners(this.#db);
  }

  listOrphanedSessions(now: number) {
    return owners.listOrphanedSessions(this.#db, now);
  }

  postCommand(command: Omit<InboxCommand, "id" | "answer">) {
    return inbox.postCommand(this.#db, command);
  }

  getCommand(id: string) {
    return inbox.getCommand(this.#db, id);
  }

  listPendingCommands(sessionKey?: string) {
    return inbox.listPendingCommands(this.#db, sessionKey);
  }

  watchCommands(listener: (sessionKey: string) => void): () => void {
    return inbox.watchCommands(this.#db, this.#url, listener);
  }

  answerCommand(id: string, answer: CommandAnswer, options?: WriteOptions) {
    return inbox.answerCommand(this.#db, id, answer, writeFence(`command ${id}`, options));
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[], options?: WriteOptions) {
    if (entries.length === 0) return;
    await this.#db.call(
      sessionKey,
      writeFence(sessionKey, options),
      "SELECT append_transcript($1, $2, $3, $4, $5, $6, $7, $8)",
      [
        sessionKey,
        entries.map((entry) => entry.generation),
        entries.map((entry) => entry.turnId),
        entries.map((entry) => entry.at),
        entries.map((entry) => entry.leaseId ?? null),
        entries.map((entry) => JSON.stringify(entry.message)),
      ],
    );
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    const { rows } = await this.#db.query(
      "SELECT * FROM transcript WHERE session_key = $1 AND generation = $2 ORDER BY id DESC LIMIT $3",
      [sessionKey, options.generation, Math.max(0, options.limit)],
    );
    return rows.reverse().map(toTranscriptEntry);
  }

  async readState(pluginId: string, scope: string, key: string) {
    const { rows } = await this.#db.query(
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
    const { rows } = await this.#db.call(
      scope,
      writeFence(scope, options),
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
    return this.#db.write(scope, writeFence(scope, options), async (client) => {
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
    await this.#db.call(scope, writeFence(scope, options), "SELECT append_log($1, $2, $3, $4, $5, $6)", [
      pluginId,
      scope,
      key,
      entries.map((entry) => JSON.stringify(entry)),
    ]);
  }

  async readLog(pluginId: string, scope: string, key: string, options: { limit: number }) {
    const { rows } = await this.#db.query(
      `SELECT value FROM plugin_log WHERE plugin_id = $1 AND scope = $2 AND key = $3
       ORDER BY id DESC LIMIT $4`,
      [pluginId, scope, key, Math.max(0, Math.min(options.limit, maxLogEntries))],
    );
    return rows.reverse().map((row: Row) => JSON.parse(String(row.value)) as JsonValue);
  }

  putLease(record: LeaseRecord, options?: WriteOptions & { ifState?: StateCondition }) {
    return leases.putLease(this.#db, record, options);
  }

  getLease(slot: LeaseSlot) {
    return leases.getLease(this.#db, slot);
  }

  deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions) {
    return leases.deleteLease(this.#db, slot, expectedId, writeFence(slot.sessionKey, options));
  }

  deleteSessionLeases(sessionKey: string, options?: WriteOptions) {
    return leases.deleteSessionLeases(this.#db, sessionKey, writeFence(sessionKey, options));
  }

  listLeases(sessionKey?: string) {
    return leases.listLeases(this.#db, "leases", sessionKey);
  }

  claimLease(slot: LeaseSlot, id: string, options?: WriteOptions) {
    return leases.claimLease(this.#db, slot, id, writeFence(slot.sessionKey, options));
  }

  finishLease(id: string, options?: WriteOptions) {
    return leases.finishLease(this.#db, id, writeFence(`lease ${id}`, options));
  }

  listStartedLeases(sessionKey?: string) {
    return leases.listLeases(this.#db, "started_leases", sessionKey);
  }

  async close() {
    await this.#db.close();
  }
}
