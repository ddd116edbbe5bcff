import { type Stats, statSync } from "node:fs";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { GoalLeaseError, HostUsageError, StoreUnavailableError } from "../errors.js";
import type { JsonValue } from "../json.js";
import type { ModelMessage } from "../model.js";
import * as inbox from "./sqlite-inbox.js";
import { openDatabase, prepareFile } from "./sqlite-open.js";
import {
  acquireOwner,
  checkFence,
  keepAlive,
  listOrphans,
  listOwners,
  type Query,
  releaseOwner,
  renewOwner,
} from "./sqlite-owners.js";
import { leaseValues, type Row, toLease, toSession, toState } from "./sqlite-rows.js";
import type {
  AcquireResult,
  HostStore,
  InboxCommand,
  LeaseRecord,
  LeaseSlot,
  SessionRecord,
  StateCondition,
  StateWriteResult,
  TranscriptEntry,
  WriteOptions,
} from "./store.js";

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /**
   * `normal` (default) survives a killed process with nothing lost; `full` also survives power loss, at the
   * cost of an fsync per commit.
   */
  synchronous?: "normal" | "full";
  /** How long a write waits for another process's lock before failing. */
  busyTimeoutMs?: number;
  /** A cap on the file's size; a write past it fails as a full disk would. */
  maxSizeBytes?: number;
  /**
   * Only read the file (status views): nothing is created, migrated or written, and a file in a folder the
   * user may only read can still be read. Every write fails.
   */
  readOnly?: boolean;
}

/**
 * The durable {@link HostStore}: one SQLite file in WAL mode through Node's built-in `node:sqlite`. Each
 * method commits before it resolves; lease and state changes run in `BEGIN IMMEDIATE` transactions, so
 * two writers, in this process or another, never both win.
 */
export class SqliteStore implements HostStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  /** The file as it was opened: a write refuses to go on if the path now names another file, or none. */
  readonly #file: Stats | undefined;

  private constructor(path: string, db: DatabaseSync) {
    // JavaScript can call a private constructor; say what to call instead of failing later.
    if (typeof path !== "string" || db === undefined) {
      throw new HostUsageError({
        message: "Open a store with SqliteStore.open(path), not new SqliteStore(...).",
      });
    }
    this.path = path;
    this.#db = db;
    this.#file = path === ":memory:" ? undefined : statSync(path);
  }

  /** Opens (creating or migrating) the store at `path`; throws a one-line error naming the file on failure. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ":memory:" && !options.readOnly) prepareFile(path);
    return new SqliteStore(path, openDatabase(path, options));
  }

  async getSession(sessionKey: string) {
    const row = this.#run((db) =>
      this.#statement(db, "SELECT * FROM sessions WHERE session_key = ?").get(sessionKey),
    );
    return row ? toSession(row as Row) : undefined;
  }

  async putSession(record: SessionRecord, options?: WriteOptions) {
    this.#write(record.sessionKey, options, (db) =>
      this.#statement(
        db,
        `INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
           generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at`,
      ).run(
        record.sessionKey,
        record.agentId,
        record.channel,
        record.generation,
        record.createdAt,
        record.closedAt ?? null,
      ),
    );
  }

  async acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ) {
    return this.#write<AcquireResult[]>(undefined, undefined, () => {
      keepAlive(this.#query, ownerId, options);
      return sessionKeys.map((sessionKey) => acquireOwner(this.#query, sessionKey, ownerId, options));
    });
  }

  async renewSessions(ownerId: string, options: { now: number; ttlMs: number }) {
    return this.#write(undefined, undefined, () => renewOwner(this.#query, ownerId, options));
  }

  async releaseSessions(ownerId: string, sessionKeys?: readonly string[]) {
    this.#write(undefined, undefined, () => releaseOwner(this.#query, ownerId, sessionKeys));
  }

  async listOwners() {
    return this.#run(() => listOwners(this.#query));
  }

  async listOrphanedSessions(now: number) {
    return this.#run(() => listOrphans(this.#query, now));
  }

  async postCommand(command: Omit<InboxCommand, "id" | "answer">) {
    return this.#write(undefined, undefined, () => inbox.postCommand(this.#query, command));
  }

  async getCommand(id: string) {
    return this.#run(() => inbox.getCommand(this.#query, id));
  }

  async listPendingCommands(sessionKey?: string) {
    return this.#run(() => inbox.listPendingCommands(this.#query, sessionKey));
  }

  async answerCommand(id: string, answer: { reply: string; at: number }, options?: WriteOptions) {
    return this.#write(undefined, undefined, () => {
      const command = inbox.getCommand(this.#query, id);
      if (!command) return false;
      checkFence(this.#query, command.sessionKey, options?.fence);
      return inbox.answerCommand(this.#query, id, answer);
    });
  }

  async listSessions() {
    return this.#run((db) =>
      this.#statement(db, "SELECT * FROM sessions ORDER BY created_at, session_key").all(),
    ).map((row) => toSession(row as Row));
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[], options?: WriteOptions) {
    this.#write(sessionKey, options, (db) => {
      const insert = this.#statement(
        db,
        "INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message) VALUES (?, ?, ?, ?, ?, ?)",
      );
      for (const entry of entries) {
        insert.run(
          sessionKey,
          entry.generation,
          entry.turnId,
          entry.at,
          entry.leaseId ?? null,
          JSON.stringify(entry.message),
        );
      }
    });
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    const rows = this.#run((db) =>
      this.#statement(
        db,
        "SELECT * FROM transcript WHERE session_key = ? AND generation = ? ORDER BY id DESC LIMIT ?",
      ).all(sessionKey, options.generation, options.limit),
    ) as Row[];
    return rows.reverse().map((row) => {
      const entry: TranscriptEntry = {
        generation: Number(row.generation),
        turnId: String(row.turn_id),
        at: Number(row.at),
        message: JSON.parse(String(row.message)) as ModelMessage,
      };
      if (row.lease_id !== null) entry.leaseId = String(row.lease_id);
      return entry;
    });
  }

  async readState(pluginId: string, scope: string, key: string) {
    const row = this.#run((db) =>
      this.#statement(
        db,
        "SELECT value, version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?",
      ).get(pluginId, scope, key),
    ) as Row | undefined;
    return row ? toState(row) : undefined;
  }

  async writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
    options?: WriteOptions,
  ): Promise<StateWriteResult> {
    return this.#write(scope, options, (db) => {
      const row = this.#statement(
        db,
        "SELECT value, version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?",
      ).get(pluginId, scope, key) as Row | undefined;
      if ((row ? Number(row.version) : 0) !== expectedVersion) {
        return { status: "conflict", current: row ? toState(row) : undefined };
      }
      this.#statement(
        db,
        `INSERT INTO plugin_state (plugin_id, scope, key, value, version) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (plugin_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version`,
      ).run(pluginId, scope, key, JSON.stringify(value), expectedVersion + 1);
      return { status: "written", version: expectedVersion + 1 };
    });
  }

  async deleteState(pluginId: string, scope: string, key: string, options?: WriteOptions) {
    const result = this.#write(scope, options, (db) =>
      this.#statement(db, "DELETE FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").run(
        pluginId,
        scope,
        key,
      ),
    );
    return Number(result.changes) > 0;
  }

  async putLease(record: LeaseRecord, options?: WriteOptions & { ifState?: StateCondition }) {
    return this.#write(record.sessionKey, options, (db) => {
      if (options?.ifState) {
        const { key, version } = options.ifState;
        const row = this.#statement(
          db,
          "SELECT version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?",
        ).get(record.pluginId, record.sessionKey, key) as Row | undefined;
        const current = row ? Number(row.version) : 0;
        if (current !== version) return { conflict: { version: current } };
      }
      const replaced = this.#selectLease(db, record);
      this.#statement(
        db,
        `INSERT OR REPLACE INTO leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...leaseValues(record));
      return { replaced };
    });
  }

  async getLease(slot: LeaseSlot) {
    return this.#run((db) => this.#selectLease(db, slot));
  }

  async deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions) {
    return this.#write(slot.sessionKey, options, (db) => {
      const current = this.#selectLease(db, slot);
      if (!current || (expectedId !== undefined && current.id !== expectedId)) return undefined;
      this.#statement(db, "DELETE FROM leases WHERE id = ?").run(current.id);
      return current;
    });
  }

  async deleteSessionLeases(sessionKey: string, options?: WriteOptions) {
    return this.#write(sessionKey, options, (db) => {
      const rows = this.#statement(db, "SELECT * FROM leases WHERE session_key = ?").all(sessionKey) as Row[];
      this.#statement(db, "DELETE FROM leases WHERE session_key = ?").run(sessionKey);
      return rows.map(toLease);
    });
  }

  async listLeases(sessionKey?: string) {
    return this.#listLeases("leases", sessionKey);
  }

  async claimLease(slot: LeaseSlot, id: string, options?: WriteOptions) {
    return this.#write(slot.sessionKey, options, (db) => {
      const current = this.#selectLease(db, slot);
      if (current?.id !== id) return undefined;
      this.#statement(db, "DELETE FROM leases WHERE id = ?").run(id);
      this.#statement(
        db,
        `INSERT INTO started_leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...leaseValues(current));
      return current;
    });
  }

  async finishLease(id: string, options?: WriteOptions) {
    this.#write(undefined, undefined, (db) => {
      const row = this.#statement(db, "SELECT session_key FROM started_leases WHERE id = ?").get(id) as
        | Row
        | undefined;
      if (!row) return;
      checkFence(this.#query, String(row.session_key), options?.fence);
      this.#statement(db, "DELETE FROM started_leases WHERE id = ?").run(id);
    });
  }

  async listStartedLeases(sessionKey?: string) {
    return this.#listLeases("started_leases", sessionKey);
  }

  #listLeases(table: "leases" | "started_leases", sessionKey: string | undefined): LeaseRecord[] {
    const rows = this.#run((db) =>
      sessionKey === undefined
        ? this.#statement(db, `SELECT * FROM ${table} ORDER BY due_at`).all()
        : this.#statement(db, `SELECT * FROM ${table} WHERE session_key = ? ORDER BY due_at`).all(sessionKey),
    );
    return (rows as Row[]).map(toLease);
  }

  async close() {
    if (this.#db.isOpen) this.#db.close();
  }

  #selectLease(db: DatabaseSync, slot: LeaseSlot): LeaseRecord | undefined {
    const row = this.#statement(
      db,
      "SELECT * FROM leases WHERE plugin_id = ? AND session_key = ? AND lease_key = ?",
    ).get(slot.pluginId, slot.sessionKey, slot.leaseKey) as Row | undefined;
    return row ? toLease(row) : undefined;
  }

  #statement(db: DatabaseSync, sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run<T>(work: (db: DatabaseSync) => T): T {
    if (!this.#db.isOpen) {
      throw new StoreUnavailableError({
        message: `${this.path}: the store is closed; open it again to use it.`,
      });
    }
    try {
      return work(this.#db);
    } catch (error) {
      throw this.#failure(error);
    }
  }

  readonly #query: Query = (sql) => this.#statement(this.#db, sql);

  /**
   * A write transaction; with a fence, applied only if the fence is still the session's owner. Before it
   * begins, the path must still name the file that was opened: a deleted or replaced store would otherwise
   * take writes that no later process ever sees.
   */
  #write<T>(
    sessionKey: string | undefined,
    options: WriteOptions | undefined,
    work: (db: DatabaseSync) => T,
  ): T {
    return this.#run((db) => {
      this.#checkFile();
      db.exec("BEGIN IMMEDIATE");
      try {
        if (sessionKey !== undefined) checkFence(this.#query, sessionKey, options?.fence);
        const result = work(db);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  #checkFile(): void {
    if (!this.#file) return;
    const now = statSync(this.path, { throwIfNoEntry: false });
    if (now?.ino !== this.#file.ino || now.dev !== this.#file.dev) {
      throw new StoreUnavailableError({
        message: `${this.path} was deleted or replaced while goal-lease had it open; nothing was written: stop goal-lease and start it again.`,
      });
    }
  }

  #failure(error: unknown): GoalLeaseError {
    if (error instanceof GoalLeaseError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const hint = /full/i.test(message)
      ? "free disk space and retry"
      : /locked|busy/i.test(message)
        ? "another process holds the file; retry or stop it"
        : "check the file and its permissions";
    return new StoreUnavailableError({ message: `${this.path}: ${message} (${hint}).`, cause: error });
  }
}
