import { toSession } from "../rows.js";
import type { Fence, SessionRecord } from "../store.js";
import type { PostgresConnection } from "./postgres-connection.js";

// Sessions on PostgreSQL: a write takes the session's lock and checks its fence.

export async function putSession(
  db: PostgresConnection,
  record: SessionRecord,
  fence: Fence | undefined,
): Promise<void> {
  await db.call(record.sessionKey, fence, "put_session", [
    record.sessionKey,
    record.agentId,
    record.channel,
    record.generation,
    record.createdAt,
    record.closedAt ?? null,
  ]);
}

/** Every session: oldest first, or in no particular order (no sort) when not `ordered`. */
export async function listSessions(db: PostgresConnection, ordered: boolean): Promise<SessionRecord[]> {
  const { rows } = await db.query(
    `SELECT * FROM sessions${ordered ? " ORDER BY created_at, session_key" : ""}`,
  );
  return rows.map(toSession);
}
