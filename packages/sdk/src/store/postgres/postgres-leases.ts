import { leaseValues, type Row, toLease } from "../rows.js";
import type { Fence, LeaseRecord, LeaseSlot, StateCondition } from "../store.js";
import type { PostgresConnection } from "./postgres-connection.js";

// Leases on PostgreSQL: each write one call of its plpgsql function (`postgres-schema.ts`), which takes the
// session's lock and checks the fence.

/** Stores a pending lease in its slot, optionally only while a plugin state is at a version. */
export async function putLease(
  db: PostgresConnection,
  record: LeaseRecord,
  ifState: StateCondition | undefined,
  fence: Fence | undefined,
): Promise<{ replaced: LeaseRecord | undefined } | { conflict: { version: number } }> {
  const rows = await db.call(record.sessionKey, fence, "put_lease", [
    ...leaseValues(record),
    ifState?.key ?? null,
    ifState?.version ?? 0,
  ]);
  const row = rows[0];
  if (row && row.conflict_version !== null) return { conflict: { version: Number(row.conflict_version) } };
  return { replaced: row?.replaced ? toLease(row.replaced as unknown as Row) : undefined };
}

export async function getLease(db: PostgresConnection, slot: LeaseSlot): Promise<LeaseRecord | undefined> {
  const { rows } = await db.query(
    "SELECT * FROM leases WHERE plugin_id = $1 AND session_key = $2 AND lease_key = $3",
    [slot.pluginId, slot.sessionKey, slot.leaseKey],
  );
  return rows[0] ? toLease(rows[0]) : undefined;
}

export async function deleteLease(
  db: PostgresConnection,
  slot: LeaseSlot,
  expectedId: string | undefined,
  fence: Fence | undefined,
): Promise<LeaseRecord | undefined> {
  const rows = await db.call(slot.sessionKey, fence, "delete_lease", [
    slot.pluginId,
    slot.sessionKey,
    slot.leaseKey,
    expectedId ?? null,
  ]);
  return rows[0] ? toLease(rows[0]) : undefined;
}

export async function deleteSessionLeases(
  db: PostgresConnection,
  sessionKey: string,
  fence: Fence | undefined,
): Promise<LeaseRecord[]> {
  return (await db.call(sessionKey, fence, "delete_session_leases", [sessionKey])).map(toLease);
}

/** Moves a pending lease to the started set, once. */
export async function claimLease(
  db: PostgresConnection,
  slot: LeaseSlot,
  id: string,
  fence: Fence | undefined,
): Promise<LeaseRecord | undefined> {
  const rows = await db.call(slot.sessionKey, fence, "claim_lease", [
    slot.pluginId,
    slot.sessionKey,
    slot.leaseKey,
    id,
  ]);
  return rows[0] ? toLease(rows[0]) : undefined;
}

export async function finishLease(
  db: PostgresConnection,
  id: string,
  fence: Fence | undefined,
  sessionKey: string | undefined,
): Promise<void> {
  // The session is the started lease's own, found inside the call; a stale fence is named by its id.
  // `sessionKey`, when the caller knows it, orders the call's lock among its batch's.
  await db.call(`lease ${id}`, fence, "finish_lease", [id], sessionKey ?? `lease ${id}`);
}

/** Pending (`leases`) or started leases, of one session or all, soonest due first. */
export async function listLeases(
  db: PostgresConnection,
  table: "leases" | "started_leases",
): Promise<LeaseRecord[]> {
  const { rows } = await db.query(`SELECT * FROM ${table} ORDER BY due_at`);
  return rows.map(toLease);
}
