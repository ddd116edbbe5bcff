import { type Stats, statSync } from "node:fs";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { GoalLeaseError, StoreUnavailableError } from "../../errors.js";
import { GroupCommit } from "./sqlite-group-commit.js";
import { WalCheckpointer } from "./wal-checkpointer.js";

/** Prepares (or reuses) a statement on a store's open database. */
export type Query = (sql: string) => StatementSync;

/**
 * Every row of `statement` as an array of its columns' values, in the order it selects them: node:sqlite
 * makes a row's array in about half the time of its object, which a read of every lease or session of a
 * large store feels (a recovery at start). A Node without arrays gives each object's values, in that order.
 */
export function allValues(statement: StatementSync, ...parameters: SQLInputValue[]): unknown[][] {
  if (typeof statement.setReturnArrays !== "function") {
    return statement.all(...parameters).map((row) => Object.values(row as object));
  }
  statement.setReturnArrays(true);
  try {
    return statement.all(...parameters) as unknown as unknown[][];
  } finally {
    statement.setReturnArrays(false);
  }
}

/** The writable connections this process has open, by file (device and inode). */
const shared = new Map<string, SqliteConnection>();

/**
 * A connection to a store file, with its group commit and its prepared statements. Writable stores on one
 * file in one process share one connection: a group keeps its write transaction open until its event-loop
 * turn ends, so a second connection's `BEGIN` would block the very thread that must commit the first, and
 * stall for the whole busy timeout.
 */
export class SqliteConnection {
  readonly path: string;
  readonly db: DatabaseSync;
  /** The writes of this event-loop turn, committed together at its end. */
  readonly group: GroupCommit;
  readonly #statements = new Map<string, StatementSync>();
  /** The file as it was opened: a write refuses to go on if the path now names another file, or none. */
  readonly #file: Stats | undefined;
  readonly #key: string | undefined;
  readonly #checkpointer: WalCheckpointer | undefined;
  #handles = 1;

  private constructor(path: string, db: DatabaseSync, key: string | undefined) {
    this.path = path;
    this.db = db;
    this.#key = key;
    this.#file = path === ":memory:" ? undefined : statSync(path);
    const checkpointer =
      this.#file &&
      new WalCheckpointer(path, () => {
        if (db.isOpen) db.exec("PRAGMA wal_autocheckpoint = 1000");
      });
    this.#checkpointer = checkpointer;
    this.group = new GroupCommit(db, {
      beforeBegin: () => this.#checkFile(),
      committed: () => checkpointer?.committed(),
      failure: (error) => this.failure(error),
    });
  }

  /**
   * The connection to `path`: this process's open one when `share` and there is one (its options stay as
   * they were opened), else a new one from `open`.
   */
  static acquire(path: string, share: boolean, open: () => DatabaseSync): SqliteConnection {
    const stats = share ? statSync(path, { throwIfNoEntry: false }) : undefined;
    const key = stats ? `${stats.dev}:${stats.ino}` : undefined;
    const existing = key === undefined ? undefined : shared.get(key);
    if (existing?.db.isOpen) {
      existing.#handles++;
      return existing;
    }
    const connection = new SqliteConnection(path, open(), key);
    if (key !== undefined) shared.set(key, connection);
    return connection;
  }

  /** A prepared statement, made once per connection. */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * A write in a savepoint of this event-loop turn's group: one that fails changes nothing and the others
   * still commit. It answers once the group is committed.
   */
  write<T>(work: () => T): Promise<T> {
    const committed = this.group.join();
    this.db.exec("SAVEPOINT write");
    try {
      const result = work();
      this.db.exec("RELEASE write");
      return committed.then(() => result);
    } catch (error) {
      if (this.db.isTransaction) {
        this.db.exec("ROLLBACK TO write");
        this.db.exec("RELEASE write");
      } else this.group.abandon(error);
      throw error;
    }
  }

  /** A store is done with the connection: what it wrote is committed, and the last one closes it. */
  async release(): Promise<void> {
    this.group.commit();
    if (--this.#handles > 0) return;
    if (this.#key !== undefined && shared.get(this.#key) === this) shared.delete(this.#key);
    await this.#checkpointer?.close();
    if (this.db.isOpen) this.db.close();
  }

  /** An SQLite failure as one line that names the file and what to do. */
  failure(error: unknown): GoalLeaseError {
    if (error instanceof GoalLeaseError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const hint = /full/i.test(message)
      ? "free disk space and retry"
      : /locked|busy/i.test(message)
        ? "another process holds the file; retry or stop it"
        : "check the file and its permissions";
    return new StoreUnavailableError({ message: `${this.path}: ${message} (${hint}).`, cause: error });
  }

  /**
   * Before a group's transaction begins, the path must still name the file that was opened: a deleted or
   * replaced store would otherwise take writes that no later process ever sees.
   */
  #checkFile(): void {
    if (!this.#file) return;
    const now = statSync(this.path, { throwIfNoEntry: false });
    if (now?.ino !== this.#file.ino || now.dev !== this.#file.dev) {
      throw new StoreUnavailableError({
        message: `${this.path} was deleted or replaced while goal-lease had it open; nothing was written: stop goal-lease and start it again.`,
      });
    }
  }
}
