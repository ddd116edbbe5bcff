import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { StoreUnavailableError } from "../errors.js";
import type { JsonValue } from "../json.js";
import type { ModelMessage } from "../model.js";
import { openDatabase } from "./sqlite-open.js";
import { leaseValues, type Row, toLease, toSession, toState } from "./sqlite-rows.js";
import type {
  HostStore,
  LeaseRecord,
  LeaseSlot,
  SessionRecord,
  StateWriteResult,
  TranscriptEntry,
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

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
  }

  /** Opens (creating or migrating) the store at `path`; throws a one-line error naming the file on failure. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    return new SqliteStore(path, openDatabase(path, options));
  }

  async getSession(sessionKey: string) {
    const row = this.#run((db) =>
      this.#statement(db, "SELECT * FROM sessions WHERE session_key = ?").get(sessionKey),
    );
    return row ? toSession(row as Row) : undefined;
  }

  async putSession(record: SessionRecord) {
    this.#run((db) =>
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

  async listSessions() {
    return this.#run((db) =>
      this.#statement(db, "SELECT * FROM sessions ORDER BY created_at, session_key").all(),
    ).map((row) => toSession(row as Row));
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[]) {
    this.#transaction((db) => {
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
  ): Promise<StateWriteResult> {
    return this.#transaction((db) => {
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

  async deleteState(pluginId: string, scope: string, key: string) {
    const result = this.#run((db) =>
      this.#statement(db, "DELETE FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").run(
        pluginId,
        scope,
        key,
      ),
    );
    return Number(result.changes) > 0;
  }

  async putLease(record: LeaseRecord) {
    return this.#transaction((db) => {
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

  async deleteLease(slot: LeaseSlot, expectedId?: string) {
    return this.#transaction((db) => {
      const current = this.#selectLease(db, slot);
      if (!current || (expectedId !== undefined && current.id !== expectedId)) return undefined;
      this.#statement(db, "DELETE FROM leases WHERE id = ?").run(current.id);
      return current;
    });
  }

  async deleteSessionLeases(sessionKey: string) {
    return this.#transaction((db) => {
      const rows = this.#statement(db, "SELECT * FROM leases WHERE session_key = ?").all(sessionKey) as Row[];
      this.#statement(db, "DELETE FROM leases WHERE session_key = ?").run(sessionKey);
      return rows.map(toLease);
    });
  }

  async listLeases() {
    return (
      this.#run((db) => this.#statement(db, "SELECT * FROM leases ORDER BY due_at").all()) as Row[]
    ).map(toLease);
  }

  async claimLease(slot: LeaseSlot, id: string) {
    return this.#transaction((db) => {
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

  async finishLease(id: string) {
    this.#run((db) => this.#statement(db, "DELETE FROM started_leases WHERE id = ?").run(id));
  }

  async listStartedLeases() {
    return (this.#run((db) => this.#statement(db, "SELECT * FROM started_leases").all()) as Row[]).map(
      toLease,
    );
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

  #transaction<T>(work: (db: DatabaseSync) => T): T {
    return this.#run((db) => {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = work(db);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  #failure(error: unknown): StoreUnavailableError {
    if (error instanceof StoreUnavailableError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const hint = /full/i.test(message)
      ? "free disk space and retry"
      : /locked|busy/i.test(message)
        ? "another process holds the file; retry or stop it"
        : "check the file and its permissions";
    return new StoreUnavailableError({ message: `${this.path}: ${message} (${hint}).`, cause: error });
  }
}
