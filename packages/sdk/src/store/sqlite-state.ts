import type { JsonValue } from "../json.js";
import type { Query } from "./sqlite-owners.js";
import { type Row, toState } from "./sqlite-rows.js";
import type { StateEntry, StateWriteResult } from "./store.js";

// The plugin-state statements of SqliteStore; a write runs inside the transaction the store opened for it.

export function readState(
  query: Query,
  pluginId: string,
  scope: string,
  key: string,
): StateEntry | undefined {
  const row = query(
    "SELECT value, version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?",
  ).get(pluginId, scope, key) as Row | undefined;
  return row ? toState(row) : undefined;
}

/** Compare-and-set: writes only while the stored version is `expectedVersion` (0: not stored yet). */
export function writeState(
  query: Query,
  entry: { pluginId: string; scope: string; key: string; value: JsonValue },
  expectedVersion: number,
): StateWriteResult {
  const { pluginId, scope, key, value } = entry;
  const current = readState(query, pluginId, scope, key);
  if ((current?.version ?? 0) !== expectedVersion) return { status: "conflict", current };
  query(
    `INSERT INTO plugin_state (plugin_id, scope, key, value, version) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (plugin_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version`,
  ).run(pluginId, scope, key, JSON.stringify(value), expectedVersion + 1);
  return { status: "written", version: expectedVersion + 1 };
}

export function deleteState(query: Query, pluginId: string, scope: string, key: string): boolean {
  const result = query("DELETE FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").run(
    pluginId,
    scope,
    key,
  );
  return Number(result.changes) > 0;
}
