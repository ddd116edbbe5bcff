import type { JsonValue } from "../../json.js";
import { type Row, toState } from "../rows.js";
import { maxLogEntries, type StateEntry, type StateWriteResult } from "../store.js";
import type { Query } from "./sqlite-connection.js";

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
  entry: { pluginId: string; scope: string; key: string; json: string },
  expectedVersion: number,
): StateWriteResult {
  const { pluginId, scope, key, json } = entry;
  const current = readState(query, pluginId, scope, key);
  if ((current?.version ?? 0) !== expectedVersion) return { status: "conflict", current };
  query(
    `INSERT INTO plugin_state (plugin_id, scope, key, value, version) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (plugin_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version`,
  ).run(pluginId, scope, key, json, expectedVersion + 1);
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

/** Appends to the log of (plugin, scope, key), dropping entries past the last {@link maxLogEntries}. */
export function appendLog(
  query: Query,
  log: { pluginId: string; scope: string; key: string },
  entries: readonly JsonValue[],
): void {
  if (entries.length === 0) return;
  const { pluginId, scope, key } = log;
  const last = query(
    "SELECT max(seq) AS seq FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?",
  ).get(pluginId, scope, key) as { seq: number | null } | undefined;
  let seq = Number(last?.seq ?? 0);
  const insert = query("INSERT INTO plugin_log (plugin_id, scope, key, seq, value) VALUES (?, ?, ?, ?, ?)");
  for (const entry of entries) insert.run(pluginId, scope, key, ++seq, JSON.stringify(entry));
  if (seq > maxLogEntries) {
    query("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? AND seq <= ?").run(
      pluginId,
      scope,
      key,
      seq - maxLogEntries,
    );
  }
}

/** The last `limit` entries of a log, oldest first. */
export function readLog(
  query: Query,
  log: { pluginId: string; scope: string; key: string },
  limit: number,
): JsonValue[] {
  const rows = query(
    "SELECT value FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? ORDER BY seq DESC LIMIT ?",
  ).all(log.pluginId, log.scope, log.key, Math.max(0, limit)) as { value: string }[];
  return rows.reverse().map((row) => JSON.parse(row.value) as JsonValue);
}

export function deleteLog(query: Query, log: { pluginId: string; scope: string; key: string }): void {
  query("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?").run(
    log.pluginId,
    log.scope,
    log.key,
  );
}
