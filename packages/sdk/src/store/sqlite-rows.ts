import type { JsonValue } from "../json.js";
import type { LeaseRecord, SessionRecord, StateEntry } from "./store.js";

/** A row as node:sqlite returns it. */
export type Row = Record<string, string | number | null>;

/** A lease's columns in table order. */
export function leaseValues(record: LeaseRecord) {
  return [
    record.pluginId,
    record.sessionKey,
    record.leaseKey,
    record.id,
    record.message,
    record.createdAt,
    record.dueAt,
    record.generation,
  ] as const;
}

/** A `leases` or `started_leases` row as a record. */
export function toLease(row: Row): LeaseRecord {
  return {
    pluginId: String(row.plugin_id),
    sessionKey: String(row.session_key),
    leaseKey: String(row.lease_key),
    id: String(row.id),
    message: String(row.message),
    createdAt: Number(row.created_at),
    dueAt: Number(row.due_at),
    generation: Number(row.generation),
  };
}

/** A `sessions` row as a record. */
export function toSession(row: Row): SessionRecord {
  const record: SessionRecord = {
    sessionKey: String(row.session_key),
    agentId: String(row.agent_id),
    channel: String(row.channel),
    generation: Number(row.generation),
    createdAt: Number(row.created_at),
  };
  if (row.closed_at !== null) record.closedAt = Number(row.closed_at);
  return record;
}

/** A `plugin_state` row as an entry. */
export function toState(row: Row): StateEntry {
  return { value: JSON.parse(String(row.value)) as JsonValue, version: Number(row.version) };
}
