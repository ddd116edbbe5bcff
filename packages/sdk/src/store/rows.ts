import type { JsonValue } from "../json.js";
import type { ModelMessage } from "../model.js";
import type {
  InboxCommand,
  LeaseRecord,
  SessionOwner,
  SessionRecord,
  StateEntry,
  TranscriptEntry,
} from "./store.js";

// Rows as the SQL stores read them, as records: node:sqlite gives numbers, `pg` gives big integers as
// strings and booleans as booleans, so every column goes through Number, String or a flag test.

/** A row as a driver returns it. */
export type Row = Record<string, string | number | boolean | null>;

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

/** The columns {@link leaseFromValues} reads, in its order. */
export const leaseColumns = "plugin_id, session_key, lease_key, id, message, created_at, due_at, generation";

/** A lease's column values, selected as {@link leaseColumns}, as a record. */
export function leaseFromValues(values: readonly unknown[]): LeaseRecord {
  return {
    pluginId: String(values[0]),
    sessionKey: String(values[1]),
    leaseKey: String(values[2]),
    id: String(values[3]),
    message: String(values[4]),
    createdAt: Number(values[5]),
    dueAt: Number(values[6]),
    generation: Number(values[7]),
  };
}

/** The columns {@link sessionFromValues} reads, in its order. */
export const sessionColumns = "session_key, agent_id, channel, generation, created_at, closed_at";

/** A session's column values, selected as {@link sessionColumns}, as a record. */
export function sessionFromValues(values: readonly unknown[]): SessionRecord {
  const record: SessionRecord = {
    sessionKey: String(values[0]),
    agentId: String(values[1]),
    channel: String(values[2]),
    generation: Number(values[3]),
    createdAt: Number(values[4]),
  };
  if (values[5] !== null) record.closedAt = Number(values[5]);
  return record;
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

/** A session owner row (with its host's expiry) as an owner. */
export function toOwner(row: Row): SessionOwner {
  return {
    sessionKey: String(row.session_key),
    ownerId: String(row.owner_id),
    token: Number(row.token),
    expiresAt: Number(row.expires_at),
  };
}

/** A `session_inbox` row as a command. */
export function toCommand(row: Row): InboxCommand {
  const command: InboxCommand = {
    id: String(row.id),
    sessionKey: String(row.session_key),
    pluginId: String(row.plugin_id),
    verb: String(row.verb),
    input: JSON.parse(String(row.input)) as JsonValue,
    sender: {
      id: String(row.sender_id),
      isOwner: row.sender_is_owner === true || Number(row.sender_is_owner) === 1,
    },
    postedAt: Number(row.posted_at),
  };
  if (row.answered_at !== null) {
    const applied = row.applied === true || Number(row.applied) === 1;
    command.answer = { reply: String(row.reply), applied, at: Number(row.answered_at) };
  }
  return command;
}

/** A `transcript` row as an entry. */
export function toTranscriptEntry(row: Row): TranscriptEntry {
  const entry: TranscriptEntry = {
    generation: Number(row.generation),
    turnId: String(row.turn_id),
    at: Number(row.at),
    message: JSON.parse(String(row.message)) as ModelMessage,
  };
  if (row.lease_id !== null) entry.leaseId = String(row.lease_id);
  return entry;
}
