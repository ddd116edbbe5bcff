import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { StoreUnavailableError } from "../../errors.js";
import { currentSchemaVersion, migrations } from "./sqlite-schema.js";

/** Options of `SqliteStore.open`. */
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
 * Makes the store's folder and, for a new store, its file: both for their user alone (0700 and 0600), since
 * the file holds every transcript. An existing file is left as it is. A path that cannot be used is one line.
 */
export function prepareFile(path: string): void {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!statSync(folder).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
    writeFileSync(path, "", { flag: "wx", mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return;
    throw new StoreUnavailableError({
      message: `${path} cannot be created (${code ?? (error as Error).message}): its folder is missing, not a folder, or not writable; pass another store path.`,
      cause: error,
    });
  }
}

/**
 * Opens a store file, sets WAL and durability, and migrates it to the current schema. Never starts empty
 * over a file it cannot read: a corrupt file, another program's database or a newer schema is an error.
 */
export function openDatabase(path: string, options: SqliteStoreOptions): DatabaseSync {
  if (options.readOnly) return openReadOnly(path, options);
  let db: DatabaseSync | undefined;
  try {
    db = new (sqlite().DatabaseSync)(path);
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    // Checked before anything writes, so a file this version must not touch stays byte for byte as it was.
    const version = checkFormat(db, path);
    db.exec("PRAGMA journal_mode = WAL");
    // Checkpoints run on a thread of their own (wal-checkpointer.ts), never inside a commit.
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec(`PRAGMA synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
    if (version < currentSchemaVersion) migrate(db, version);
    if (options.maxSizeBytes !== undefined) {
      const { page_size: pageSize } = db.prepare("PRAGMA page_size").get() as { page_size: number };
      db.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`);
    }
    return db;
  } catch (error) {
    if (db?.isOpen) db.close();
    throw openFailure(path, error);
  }
}

/**
 * `node:sqlite`, loaded when a store is opened rather than when the SDK is imported, so a Node.js without it
 * can still use the SDK's other stores and gets one line here.
 */
function sqlite(): typeof import("node:sqlite") {
  const module = process.getBuiltinModule?.("node:sqlite");
  if (!module) {
    throw new StoreUnavailableError({
      message: `SQLite stores need Node.js 22.13 or newer (node:sqlite) and this is Node.js ${process.versions.node}; upgrade Node.js or use MemoryStore.`,
    });
  }
  return module;
}

/**
 * Opens the file only to read it: nothing is written, migrated or switched to WAL. Where SQLite cannot make
 * the WAL's shared-memory file (a folder the user may only read), it reads the file as it is on disk, which
 * no other process can be changing there.
 */
function openReadOnly(path: string, options: SqliteStoreOptions): DatabaseSync {
  const { DatabaseSync } = sqlite();
  const attempts = [path, `file:${encodeURI(path)}?immutable=1`];
  for (const [index, location] of attempts.entries()) {
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(location, { readOnly: true });
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
      checkFormat(db, path);
      return db;
    } catch (error) {
      if (db?.isOpen) db.close();
      const cannotOpen = /unable to open|readonly|read-only|cannot open/i.test((error as Error).message);
      if (!cannotOpen || index === attempts.length - 1) throw openFailure(path, error);
    }
  }
  throw new StoreUnavailableError({ message: `${path} could not be opened to read.` });
}

function checkFormat(db: DatabaseSync, path: string): number {
  const version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
  if (version > currentSchemaVersion) {
    throw new StoreUnavailableError({
      message: `${path} has schema version ${version}, newer than this goal-lease reads (${currentSchemaVersion}); upgrade goal-lease or use another store file.`,
    });
  }
  const tables = db.prepare("SELECT count(*) AS count FROM sqlite_master").get() as { count: number };
  if (version === 0 && Number(tables.count) > 0) {
    throw new StoreUnavailableError({
      message: `${path} is an SQLite database but not a goal-lease store; use another store file.`,
    });
  }
  return version;
}

function migrate(db: DatabaseSync, from: number): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const step of migrations) {
      if (step.version <= from) continue;
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
