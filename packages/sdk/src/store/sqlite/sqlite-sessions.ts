import { type Row, sessionColumns, sessionFromValues, toSession } from "../rows.js";
import type { SessionRecord } from "../store.js";
import { allValues, type Query } from "./sqlite-connection.js";

// The session statements of SqliteStore; a write runs inside the transaction the store opened for it.

export function getSession(query: Query, sessionKey: string): SessionRecord | undefined {
  const row = query("SELECT * FROM sessions WHERE session_key = ?").get(sessionKey) as Row | undefined;
  return row ? toSession(row) : undefined;
}

export function putSession(query: Query, record: SessionRecord): void {
  query(
    `INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
       generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at`,
  ).run(
    record.sessionKey,
    record.agentId,
    record.channel,
    record.generation,
    record.createdAt,
    record.closedAt ?? null,
  );
}

/** Every session: oldest first, or in the table's order (no sort) when not `ordered`. */
export function listSessions(query: Query, ordered: boolean): SessionRecord[] {
  const order = ordered ? " ORDER BY created_at, session_key" : "";
  const rows = allValues(query(`SELECT ${sessionColumns} FROM sessions${order}`));
  return rows.map(sessionFromValues);
}
