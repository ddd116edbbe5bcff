import type { JsonValue } from "../../json.js";
import { type Row, toState } from "../rows.js";
import { type Fence, maxLogEntries, type StateWriteResult } from "../store.js";
import { arrayLiteral, type PostgresConnection } from "./postgres-connection.js";

// Plugin state and its logs on PostgreSQL: a write is one call of its plpgsql function (`postgres-schema.ts`),
// which takes the session's lock (the state's scope) and checks the fence.

/** A plugin's state key: the scope is the session. */
type StateKey = { pluginId: string; scope: string; key: string };

/**
 * Compare-and-set: writes only while the stored version is `expectedVersion` (0: not stored yet), and then
 * appends `log` to the key's log in the same transaction.
 */
export async function writeState(
  db: PostgresConnection,
  entry: StateKey & { json: string },
  expectedVersion: number,
  options: { fence: Fence | undefined; log: readonly JsonValue[] | undefined },
): Promise<StateWriteResult> {
  const { pluginId, scope, key, json } = entry;
  const rows = await db.call(scope, options.fence, "write_state", [
    pluginId,
    scope,
    key,
    json,
    expectedVersion,
    options.log ? arrayLiteral(options.log.map((logged) => JSON.stringify(logged))) : null,
  ]);
  const row = rows[0];
  if (row && row.written !== null) return { status: "written", version: Number(row.written) };
  const current = row
    ? toState({ value: row.current_value ?? null, version: row.current_version ?? null })
    : undefined;
  return { status: "conflict", current };
}

/** Deletes the value and its log; whether there was a value. */
export async function deleteState(
  db: PostgresConnection,
  state: StateKey,
  fence: Fence | undefined,
): Promise<boolean> {
  const { pluginId, scope, key } = state;
  const rows = await db.call(scope, fence, "delete_state", [pluginId, scope, key]);
  return rows[0]?.deleted === true;
}

/** Appends to the log of (plugin, scope, key); the database keeps the last {@link maxLogEntries}. */
export async function appendLog(
  db: PostgresConnection,
  log: StateKey,
  entries: readonly JsonValue[],
  fence: Fence | undefined,
): Promise<void> {
  if (entries.length === 0) return;
  await db.call(log.scope, fence, "append_log", [
    log.pluginId,
    log.scope,
    log.key,
    arrayLiteral(entries.map((entry) => JSON.stringify(entry))),
  ]);
}

/** The last `limit` entries of a log, oldest first. */
export async function readLog(db: PostgresConnection, log: StateKey, limit: number): Promise<JsonValue[]> {
  const { rows } = await db.query(
    `SELECT value FROM plugin_log WHERE plugin_id = $1 AND scope = $2 AND key = $3
     ORDER BY id DESC LIMIT $4`,
    [log.pluginId, log.scope, log.key, Math.max(0, Math.min(limit, maxLogEntries))],
  );
  return rows.reverse().map((row: Row) => JSON.parse(String(row.value)) as JsonValue);
}
