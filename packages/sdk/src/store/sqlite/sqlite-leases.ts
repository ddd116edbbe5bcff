import { leaseColumns, leaseFromValues, leaseValues, type Row, toLease } from "../rows.js";
import type { LeaseRecord, LeaseSlot, StateCondition, WriteOptions } from "../store.js";
import { allValues, type Query } from "./sqlite-connection.js";
import { checkFence } from "./sqlite-owners.js";

// The lease statements of SqliteStore; each runs inside the transaction the store opened for it.

export function getLease(query: Query, slot: LeaseSlot): LeaseRecord | undefined {
  const row = query("SELECT * FROM leases WHERE plugin_id = ? AND session_key = ? AND lease_key = ?").get(
    slot.pluginId,
    slot.sessionKey,
    slot.leaseKey,
  ) as Row | undefined;
  return row ? toLease(row) : undefined;
}

/** Stores the slot's lease, unless the plugin's state is not at the version `ifState` names. */
export function putLease(
  query: Query,
  record: LeaseRecord,
  ifState: StateCondition | undefined,
): { replaced: LeaseRecord | undefined } | { conflict: { version: number } } {
  if (ifState) {
    const row = query("SELECT version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").get(
      record.pluginId,
      record.sessionKey,
      ifState.key,
    ) as Row | undefined;
    const current = row ? Number(row.version) : 0;
    if (current !== ifState.version) return { conflict: { version: current } };
  }
  const replaced = getLease(query, record);
  query(
    `INSERT OR REPLACE INTO leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...leaseValues(record));
  return { replaced };
}

export function deleteLease(query: Query, slot: LeaseSlot, expectedId: string | undefined) {
  const current = getLease(query, slot);
  if (!current || (expectedId !== undefined && current.id !== expectedId)) return undefined;
  query("DELETE FROM leases WHERE id = ?").run(current.id);
  return current;
}

export function deleteSessionLeases(query: Query, sessionKey: string): LeaseRecord[] {
  const rows = query("SELECT * FROM leases WHERE session_key = ?").all(sessionKey) as Row[];
  query("DELETE FROM leases WHERE session_key = ?").run(sessionKey);
  return rows.map(toLease);
}

/** Moves the slot's lease `id` to the started set; undefined if it is no longer the slot's lease. */
export function claimLease(query: Query, slot: LeaseSlot, id: string): LeaseRecord | undefined {
  const current = getLease(query, slot);
  if (current?.id !== id) return undefined;
  query("DELETE FROM leases WHERE id = ?").run(id);
  query(
    `INSERT INTO started_leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...leaseValues(current));
  return current;
}

/** Forgets a started lease, if the write's fence still owns its session. */
export function finishLease(query: Query, id: string, options: WriteOptions | undefined): void {
  const row = query("SELECT session_key FROM started_leases WHERE id = ?").get(id) as Row | undefined;
  if (!row) return;
  checkFence(query, String(row.session_key), options);
  query("DELETE FROM started_leases WHERE id = ?").run(id);
}

export function listLeases(
  query: Query,
  table: "leases" | "started_leases",
  sessionKey: string | undefined,
): LeaseRecord[] {
  const rows =
    sessionKey === undefined
      ? allValues(query(`SELECT ${leaseColumns} FROM ${table} ORDER BY due_at`))
      : allValues(
          query(`SELECT ${leaseColumns} FROM ${table} WHERE session_key = ? ORDER BY due_at`),
          sessionKey,
        );
  return rows.map(leaseFromValues);
}
