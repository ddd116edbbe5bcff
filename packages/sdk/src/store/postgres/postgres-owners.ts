import type { PoolClient } from "pg";
import { acquisition } from "../ownership.js";
import { type Row, toOwner } from "../rows.js";
import type { AcquireResult, SessionOwner } from "../store.js";
import type { PostgresConnection } from "./postgres-connection.js";

// Session ownership on PostgreSQL: the same rule as every store (`acquisition`), the claims in
// `session_owners`, each host's liveness in one `hosts` row it renews.

type Window = { now: number; ttlMs: number };

// A session's claim lives as long as its owner's host row, unless the owner released it.
const ownerColumns = `o.session_key, o.owner_id, o.token,
  CASE WHEN o.released THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;

export function acquireSessions(
  db: PostgresConnection,
  sessionKeys: readonly string[],
  ownerId: string,
  window: Window,
): Promise<AcquireResult[]> {
  return db.transaction(async (client) => {
    await keepAlive(client, ownerId, window);
    // One acquirer per session at a time (writers take the same lock), in key order so two hosts never
    // wait on each other.
    await client.query(
      "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT DISTINCT unnest($1::text[]) AS k ORDER BY 1) AS keys",
      [sessionKeys],
    );
    const { rows } = await client.query(`SELECT ${ownerColumns} WHERE o.session_key = ANY($1)`, [
      sessionKeys,
    ]);
    const owners = new Map<string, SessionOwner>(
      rows.map((row: Row) => [String(row.session_key), toOwner(row)]),
    );
    const taken = new Map<string, number>();
    const results = sessionKeys.map((sessionKey) => {
      const result = acquisition(owners.get(sessionKey), { sessionKey, ownerId, now: window.now });
      if (result.status === "acquired") {
        taken.set(sessionKey, result.fence.token);
        // The same key again in this call finds it ours.
        const expiresAt = window.now + window.ttlMs;
        owners.set(sessionKey, { sessionKey, ownerId, token: result.fence.token, expiresAt });
      }
      return result;
    });
    if (taken.size > 0) {
      await client.query(
        `INSERT INTO session_owners (session_key, owner_id, token, released)
         SELECT k, $1, t, false FROM unnest($2::text[], $3::bigint[]) AS taken(k, t)
         ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token, released = false`,
        [ownerId, [...taken.keys()], [...taken.values()]],
      );
    }
    return results;
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

async function keepAlive(client: PoolClient, ownerId: string, window: Window): Promise<void> {
  await client.query(
    `INSERT INTO hosts (owner_id, expires_at) VALUES ($1, $2)
     ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`,
    [ownerId, window.now + window.ttlMs],
  );
}
