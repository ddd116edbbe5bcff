import { type Row, toOwner } from "../rows.js";
import type { AcquireResult, SessionOwner } from "../store.js";
import type { PostgresConnection } from "./postgres-connection.js";

// Session ownership on PostgreSQL: the same rule as every store (`acquisition`, in SQL in
// `acquire_sessions`; the stores' shared contract tests hold both to it), the claims in `session_owners`,
// each host's liveness in one `hosts` row it renews.

type Window = { now: number; ttlMs: number };

// A session's claim lives as long as its owner's host row, unless the owner released it.
const ownerColumns = `o.session_key, o.owner_id, o.token,
  CASE WHEN o.released THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;

export async function acquireSessions(
  db: PostgresConnection,
  sessionKeys: readonly string[],
  ownerId: string,
  window: Window,
): Promise<AcquireResult[]> {
  // One statement: the liveness row, the locks, the rule and the claims (schema version 5).
  const { rows } = await db.query("SELECT * FROM acquire_sessions($1, $2, $3, $4)", [
    ownerId,
    sessionKeys,
    window.now,
    window.ttlMs,
  ]);
  return rows.map((row: Row, index): AcquireResult => {
    const sessionKey = sessionKeys[index] as string;
    const current = () => ({
      sessionKey,
      ownerId: String(row.current_owner),
      token: Number(row.current_token),
      expiresAt: Number(row.current_expires),
    });
    if (row.held) return { status: "held", owner: current() };
    const fence = { ownerId, token: Number(row.new_token) };
    return row.previous ? { status: "acquired", fence, previous: current() } : { status: "acquired", fence };
  });
}

/** Keeps `ownerId` alive; the sessions it still holds. */
export async function renewSessions(
  db: PostgresConnection,
  ownerId: string,
  window: Window,
): Promise<string[]> {
  // One statement (one round trip, one transaction): the host's one liveness row, then its claims.
  const { rows } = await db.query(
    `WITH alive AS (
       INSERT INTO hosts (owner_id, expires_at) VALUES ($1, $2)
       ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at
     ) SELECT session_key FROM session_owners WHERE owner_id = $1 AND NOT released`,
    [ownerId, window.now + window.ttlMs],
  );
  return rows.map((row: Row) => String(row.session_key));
}

/** `ownerId`'s claims (all, or the named sessions') end now; tokens stay. */
export function releaseSessions(
  db: PostgresConnection,
  ownerId: string,
  sessionKeys?: readonly string[],
): Promise<void> {
  return db.transaction(async (client) => {
    if (!sessionKeys) {
      await client.query("UPDATE session_owners SET released = true WHERE owner_id = $1", [ownerId]);
      await client.query("DELETE FROM hosts WHERE owner_id = $1", [ownerId]);
      return;
    }
    await client.query(
      "UPDATE session_owners SET released = true WHERE owner_id = $1 AND session_key = ANY($2)",
      [ownerId, sessionKeys],
    );
  });
}

export async function listOwners(db: PostgresConnection): Promise<SessionOwner[]> {
  return (await db.query(`SELECT ${ownerColumns}`)).rows.map(toOwner);
}

/** Sessions with leases, started leases or unanswered commands whose owner is absent or expired at `now`. */
export async function listOrphanedSessions(db: PostgresConnection, now: number): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT session_key FROM (
       SELECT session_key FROM leases
       UNION SELECT session_key FROM started_leases
       UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
     ) AS work
     WHERE NOT EXISTS (
       SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
       WHERE o.session_key = work.session_key AND NOT o.released AND h.expires_at > $1
     )`,
    [now],
  );
  return rows.map((row: Row) => String(row.session_key));
}
