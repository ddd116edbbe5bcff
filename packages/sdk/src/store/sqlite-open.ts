import { DatabaseSync } from "node:sqlite";
import { StoreUnavailableError } from "../errors.js";
import { currentSchemaVersion, migrations } from "./sqlite-schema.js";
import type { SqliteStoreOptions } from "./sqlite-store.js";

/**
 * Opens a store file, sets WAL and durability, and migrates it to the current schema. Never starts empty
 * over a file it cannot read: a corrupt file, another program's database or a newer schema is an error.
 */
export function openDatabase(path: string, options: SqliteStoreOptions): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    migrate(db, path);
    return db;
  } catch (error) {
    if (db?.isOpen) db.close();
    throw openFailure(path, error);
  }
}

function migrate(db: DatabaseSync, path: string): void {
  const version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
  if (version > currentSchemaVersion) {
    throw new StoreUnavailableError({
      message: `${path} has schema version ${version}, newer than this goal-lease reads (${currentSchemaVersion}); upgrade goal-lease or use another store file.`,
    });
  }
  if (version === currentSchemaVersion) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    if (version === 0) {
      const tables = db.prepare("SELECT count(*) AS count FROM sqlite_master").get() as { count: number };
      if (Number(tables.count) > 0) {
        throw new StoreUnavailableError({
          message: `${path} is an SQLite database but not a goal-lease store; use another store file.`,
        });
      }
    }
    for (const step of migrations) {
      if (step.version <= version) continue;
      db.exec(step.sql);
      db.exec(`PRAGMA user_version = ${step.version}`);
    }
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

function openFailure(path: string, error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/not a database|malformed|corrupt/i.test(message)) {
    return new StoreUnavailableError({
      message: `${path} is not a readable goal-lease store (${message}); it was left untouched: move it aside or restore a backup.`,
      cause: error,
    });
  }
  if (/locked|busy/i.test(message)) {
    return new StoreUnavailableError({
      message: `${path} is locked by another process (${message}); stop it or use another store file.`,
      cause: error,
    });
  }
  return new StoreUnavailableError({
    message: `${path} could not be opened (${message}); check the path and its permissions.`,
    cause: error,
  });
}
