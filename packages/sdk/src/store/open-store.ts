import { homedir } from "node:os";
import { join } from "node:path";
import { describeServer } from "./postgres/postgres-url.js";
import type { HostStore } from "./store.js";

/** The environment variable naming the store: a SQLite file's path or a PostgreSQL URL. */
export const storeVariable = "GOAL_LEASE_STORE";

/** Whether `location` names a PostgreSQL server rather than a file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Where the store is: `$GOAL_LEASE_STORE`, else `$GOAL_LEASE_STATE` (a path; the older name), else
 * `~/.goal-lease/state.db`.
 */
export function defaultStoreLocation(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[storeVariable]?.trim() || env.GOAL_LEASE_STATE?.trim();
  return configured ? configured : join(homedir(), ".goal-lease", "state.db");
}

/**
 * Opens the store at `location`: `postgres://...` on a PostgreSQL server, anything else a SQLite file. The
 * store's code loads here, on use, so a program that never opens one (or opens only a memory store) loads
 * neither, nor `pg`.
 */
export async function openStore(location: string, options: { readOnly?: boolean } = {}): Promise<HostStore> {
  if (isPostgresUrl(location)) {
    const { PostgresStore } = await import("./postgres/postgres-store.js");
    return PostgresStore.open(location, options);
  }
  const { SqliteStore } = await import("./sqlite/sqlite-store.js");
  return SqliteStore.open(location, options);
}

/** How to show a store's location to a person: a PostgreSQL URL without its password. */
export function describeStore(location: string): string {
  return isPostgresUrl(location) ? describeServer(location) : location;
}
