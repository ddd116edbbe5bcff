import type { Pool } from "pg";
import { HostUsageError } from "../../errors.js";
import type { JsonValue } from "../../json.js";
import { writeFence } from "../ownership.js";
import type {
  CommandAnswer,
  HostStore,
  InboxCommand,
  LeaseRecord,
  LeaseSlot,
  SessionRecord,
  StateCondition,
  StateWriteResult,
  TranscriptEntry,
  WriteOptions,
} from "../store.js";
import { awaitApplied } from "../write-after.js";
import { PostgresConnection } from "./postgres-connection.js";
import * as inbox from "./postgres-inbox.js";
import * as leases from "./postgres-leases.js";
import { checkedSchema, type PostgresStoreOptions, prepare } from "./postgres-open.js";
import * as owners from "./postgres-owners.js";
import { PostgresReads } from "./postgres-reads.js";
import * as sessions from "./postgres-sessions.js";
import * as state from "./postgres-state.js";
import * as transcript from "./postgres-transcript.js";
import { describeServer } from "./postgres-url.js";

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
  /** The session of each lease this store claimed and has not finished: its batch takes that lock in order. */
  readonly #startedSessions = new Map<string, string>();
  readonly #reads: PostgresReads;

  private constructor(pool: Pool, url: string) {
    if (pool === undefined) {
      throw new HostUsageError({
        message: "Open a store with await PostgresStore.open(url), not new PostgresStore(...).",
      });
    }
    this.#db = new PostgresConnection(pool, describeServer(url));
    this.#reads = new PostgresReads(this.#db);
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
    return this.#reads.sessions.one(sessionKey);
  }

  async putSession(record: SessionRecord, options?: WriteOptions) {
    return this.#db.write(options?.after, () =>
      sessions.putSession(this.#db, record, writeFence(record.sessionKey, options)),
    );
  }

  async listSessions(options?: { ordered?: boolean }) {
    return sessions.listSessions(this.#db, options?.ordered ?? true);
  }

  async acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ) {
    return owners.acquireSessions(this.#db, sessionKeys, ownerId, options);
  }

  async renewSessions(ownerId: string, options: { now: number; ttlMs: number }) {
    return owners.renewSessions(this.#db, ownerId, options);
  }

  async releaseSessions(ownerId: string, sessionKeys?: readonly string[]) {
    return owners.releaseSessions(this.#db, ownerId, sessionKeys);
  }

  async listOwners() {
    return owners.listOwners(this.#db);
  }

  async listOrphanedSessions(now: number) {
    return owners.listOrphanedSessions(this.#db, now);
  }

  async postCommand(command: Omit<InboxCommand, "id" | "answer">) {
    return inbox.postCommand(this.#db, command);
  }

  async getCommand(id: string) {
    return inbox.getCommand(this.#db, id);
  }

  async listPendingCommands(sessionKey?: string) {
    return sessionKey === undefined
      ? inbox.listPendingCommands(this.#db)
      : this.#reads.pendingCommands.one(sessionKey);
  }

  watchCommands(listener: (sessionKey: string) => void): () => void {
    return inbox.watchCommands(this.#db, this.#url, listener);
  }

  async answerCommand(id: string, answer: CommandAnswer, options?: WriteOptions) {
    // It reads the command before its write, so it waits for `after` first.
    await awaitApplied(options?.after);
    return inbox.answerCommand(this.#db, id, answer, writeFence(`command ${id}`, options));
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[], options?: WriteOptions) {
    return this.#db.write(options?.after, () =>
      transcript.appendTranscript(this.#db, sessionKey, entries, writeFence(sessionKey, options)),
    );
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    return this.#reads.transcripts.one({ sessionKey, ...options });
  }

  async readState(pluginId: string, scope: string, key: string) {
    return this.#reads.states.one({ pluginId, scope, key });
  }

  // Not async: its answer itself is what a later write names as `after`.
  writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
    options?: WriteOptions & { log?: readonly JsonValue[]; json?: string },
  ): Promise<StateWriteResult> {
    const json = options?.json ?? JSON.stringify(value);
    return this.#db.tracked(options?.after, () =>
      state.writeState(this.#db, { pluginId, scope, key, json }, expectedVersion, {
        fence: writeFence(scope, options),
        log: options?.log,
      }),
    );
  }

  async deleteState(pluginId: string, scope: string, key: string, options?: WriteOptions) {
    return this.#db.write(options?.after, () =>
      state.deleteState(this.#db, { pluginId, scope, key }, writeFence(scope, options)),
    );
  }

  async appendLog(
    pluginId: string,
    scope: string,
    key: string,
    entries: readonly JsonValue[],
    options?: WriteOptions,
  ) {
    return this.#db.write(options?.after, () =>
      state.appendLog(this.#db, { pluginId, scope, key }, entries, writeFence(scope, options)),
    );
  }

  async readLog(pluginId: string, scope: string, key: string, options: { limit: number }) {
    return state.readLog(this.#db, { pluginId, scope, key }, options.limit);
  }

  async putLease(record: LeaseRecord, options?: WriteOptions & { ifState?: StateCondition }) {
    return this.#db.write(options?.after, () =>
      leases.putLease(this.#db, record, options?.ifState, writeFence(record.sessionKey, options)),
    );
  }

  async getLease(slot: LeaseSlot) {
    return leases.getLease(this.#db, slot);
  }

  async deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions) {
    return this.#db.write(options?.after, () =>
      leases.deleteLease(this.#db, slot, expectedId, writeFence(slot.sessionKey, options)),
    );
  }

  async deleteSessionLeases(sessionKey: string, options?: WriteOptions) {
    return this.#db.write(options?.after, () =>
      leases.deleteSessionLeases(this.#db, sessionKey, writeFence(sessionKey, options)),
    );
  }

  async listLeases(sessionKey?: string) {
    return sessionKey === undefined
      ? leases.listLeases(this.#db, "leases")
      : this.#reads.leases.one(sessionKey);
  }

  // Not async: its answer itself is what a later write names as `after`.
  claimLease(slot: LeaseSlot, id: string, options?: WriteOptions): Promise<LeaseRecord | undefined> {
    return this.#db.tracked(options?.after, async () => {
      const claimed = await leases.claimLease(this.#db, slot, id, writeFence(slot.sessionKey, options));
      if (claimed) this.#startedSessions.set(id, claimed.sessionKey);
      return claimed;
    });
  }

  async finishLease(id: string, options?: WriteOptions) {
    const sessionKey = this.#startedSessions.get(id);
    this.#startedSessions.delete(id);
    return this.#db.write(options?.after, () =>
      leases.finishLease(this.#db, id, writeFence(`lease ${id}`, options), sessionKey),
    );
  }

  async listStartedLeases(sessionKey?: string) {
    return sessionKey === undefined
      ? leases.listLeases(this.#db, "started_leases")
      : this.#reads.startedLeases.one(sessionKey);
  }

  async close() {
    await this.#db.close();
  }
}
