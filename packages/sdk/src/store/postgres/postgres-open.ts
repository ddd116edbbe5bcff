import type { Pool, PoolClient } from "pg";
import { GoalLeaseError, StoreUnavailableError } from "../../errors.js";
import { currentSchemaVersion, migrations } from "./postgres-schema.js";

/** Options of {@link PostgresStore.open}. */
export interface PostgresStoreOptions {
  /** The schema (namespace) the tables live in; `goal_lease` unless set. Created if missing. */
  schema?: string;
  /** Connections the store keeps; 10 unless set. */
  maxConnections?: number;
  /** How long to wait for the server when connecting, in ms; 5,000 unless set. */
  connectTimeoutMs?: number;
  /** Only read (status views): the schema is neither created nor migrated, and must exist. */
  readOnly?: boolean;
}

/** A one-line error saying what to do, for a failure talking to the server. */
export function storeFailure(server: string, error: unknown): GoalLeaseError {
  if (error instanceof GoalLeaseError) return error;
  const code = (error as { code?: string })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "28P01" || code === "28000") {
    return new StoreUnavailableError({
      message: `${server} refused the login (${message}); check the user and password in the store URL.`,
      cause: error,
    });
  }
  if (code === "3D000") {
    return new StoreUnavailableError({
      message: `${server}: ${message}; create the database or name another in the store URL.`,
      cause: error,
    });
  }
  if (
    code === "ECONNREFUSED" ||
    code === "ENOTFOUND" ||
    code === "ETIMEDOUT" ||
    code === "57P01" ||
    code === "57P03" ||
    /timeout|terminat|connection|ECONNRESET/i.test(message)
  ) {
    return new StoreUnavailableError({
      message: `${server} is not reachable (${code ?? message}); start it or check the store URL, then retry.`,
      cause: error,
    });
  }
  return new StoreUnavailableError({ message: `${server}: ${message}.`, cause: error });
}

/** Checks, without writing, that the schema holds a store this version reads. */
async function checkVersion(client: PoolClient, schema: string, server: string): Promise<void> {
  const found = await client.query("SELECT to_regclass($1) AS table", [`${schema}.goal_lease_schema`]);
  if (found.rows[0]?.table === null) {
    throw new StoreUnavailableError({
      message: `${server} has no goal-lease store in schema ${schema} yet; run goal-lease run or chat on it first, or pass another --store.`,
    });
  }
  const { rows } = await client.query(`SELECT max(version) AS version FROM ${schema}.goal_lease_schema`);
  tooNew(Number(rows[0]?.version ?? 0), schema, server);
}

function tooNew(version: number, schema: string, server: string): void {
  if (version > currentSchemaVersion) {
    throw new StoreUnavailableError({
      message: `${server} schema ${schema} has version ${version}, newer than this goal-lease reads (${currentSchemaVersion}); upgrade goal-lease or use another schema.`,
    });
  }
}

/** Brings the schema up to date under an advisory lock, so hosts starting together migrate once. */
async function migrate(client: PoolClient, schema: string, server: string): Promise<void> {
  await client.query("SELECT pg_advisory_lock(hashtextextended('goal-lease migrate', 0))");
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.goal_lease_schema (version INTEGER NOT NULL)`);
    const found = await client.query(`SELECT max(version) AS version FROM ${schema}.goal_lease_schema`);
    const version = Number(found.rows[0]?.version ?? 0);
    tooNew(version, schema, server);
    for (const step of migrations.filter((migration) => migration.version > version)) {
      await client.query("BEGIN");
      try {
        await client.query(`SET LOCAL search_path TO ${schema}`);
        await client.query(step.sql);
        await client.query(`INSERT INTO ${schema}.goal_lease_schema (version) VALUES ($1)`, [step.version]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtextextended('goal-lease migrate', 0))");
  }
}

/** A schema name this store will put into SQL: letters, digits and `_` only. */
export function checkedSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreUnavailableError({
      message: `Invalid PostgreSQL schema name ${JSON.stringify(schema)}: use 1-63 lower-case letters, digits or "_".`,
    });
  }
  return schema;
}

/**
 * Connects once to check the server and bring the schema up to date (or, read-only, to check it); the
 * first failure, in one line.
 */
export async function prepare(
  pool: Pool,
  schema: string,
  server: string,
  options: { readOnly?: boolean },
): Promise<void> {
  let client: PoolClient | undefined;
  // A server that goes away mid-check says so on the client too: with no listener that would end the
  // process; the statement in flight fails with it instead, in one line.
  const ignore = () => undefined;
  let failed = false;
  try {
    client = await pool.connect();
    client.on("error", ignore);
    await (options.readOnly ? checkVersion : migrate)(client, schema, server);
  } catch (error) {
    failed = true;
    throw storeFailure(server, error);
  } finally {
    client?.off("error", ignore);
    // A failed connection is dropped, not handed back to the pool.
    client?.release(failed);
  }
}
