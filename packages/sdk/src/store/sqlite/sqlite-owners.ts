import { acquisition, staleFence, writeFence } from "../ownership.js";
import { type Row, toOwner } from "../rows.js";
import type { AcquireResult, SessionOwner, WriteOptions } from "../store.js";
import { allValues, type Query } from "./sqlite-connection.js";

// A session's claim lives as long as its owner's host row, unless the owner released it.
const ownerColumns = `o.session_key, o.owner_id, o.token,
  CASE WHEN o.released = 1 THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;

/** Inside a write transaction: marks `ownerId` alive until `now + ttlMs`. */
function keepAlive(query: Query, ownerId: string, options: { now: number; ttlMs: number }): void {
  query(
    `INSERT INTO hosts (owner_id, expires_at) VALUES (?, ?)
     ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`,
  ).run(ownerId, options.now + options.ttlMs);
}

/**
 * Inside a write transaction: keeps `ownerId` alive until `now + ttlMs` and takes each session for it, unless
 * a live owner holds it; one result per key, in order. Two statements however many keys (a recovery takes
 * every orphan at once): the owners read together, the claims written together.
 */
export function acquireSessions(
  query: Query,
  sessionKeys: readonly string[],
  ownerId: string,
  options: { now: number; ttlMs: number },
): AcquireResult[] {
  keepAlive(query, ownerId, options);
  const keys = JSON.stringify(sessionKeys);
  const owners = new Map(
    (
      query(`SELECT ${ownerColumns} WHERE o.session_key IN (SELECT value FROM json_each(?))`).all(
        keys,
      ) as Row[]
    )
      .map(toOwner)
      .map((owner) => [owner.sessionKey, owner]),
  );
  const results = sessionKeys.map((sessionKey) =>
    acquisition(owners.get(sessionKey), { sessionKey, ownerId, now: options.now }),
  );
  const claims = sessionKeys.flatMap((sessionKey, index) => {
    const result = results[index];
    return result?.status === "acquired" ? [[sessionKey, result.fence.token]] : [];
  });
  if (claims.length > 0) {
    // `WHERE true`: SQLite reads an upsert after a SELECT only with a WHERE clause.
    query(
      `INSERT INTO session_owners (session_key, owner_id, token, released)
       SELECT value ->> 0, ?, value ->> 1, 0 FROM json_each(?) WHERE true
       ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token, released = 0`,
    ).run(ownerId, JSON.stringify(claims));
  }
  return results;
}

/** Inside a write transaction: one row keeps all of `ownerId`'s claims alive; returns the sessions it holds. */
export function renewSessions(
  query: Query,
  ownerId: string,
  options: { now: number; ttlMs: number },
): string[] {
  keepAlive(query, ownerId, options);
  const rows = query("SELECT session_key FROM session_owners WHERE owner_id = ? AND released = 0").all(
    ownerId,
  ) as { session_key: string }[];
  return rows.map((row) => String(row.session_key));
}

/** Inside a write transaction: `ownerId`'s claims (all, or the named sessions') end now; tokens stay. */
export function releaseSessions(query: Query, ownerId: string, sessionKeys?: readonly string[]): void {
  if (!sessionKeys) {
    query("UPDATE session_owners SET released = 1 WHERE owner_id = ?").run(ownerId);
    query("DELETE FROM hosts WHERE owner_id = ?").run(ownerId);
    return;
  }
  const release = query("UPDATE session_owners SET released = 1 WHERE owner_id = ? AND session_key = ?");
  for (const sessionKey of sessionKeys) release.run(ownerId, sessionKey);
}

export function listOwners(query: Query): SessionOwner[] {
  return (query(`SELECT ${ownerColumns}`).all() as Row[]).map(toOwner);
}

/** Sessions with leases, started leases or unanswered commands whose owner is absent or expired at `now`. */
export function listOrphanedSessions(query: Query, now: number): string[] {
  const rows = allValues(
    query(
      `SELECT session_key FROM (
         SELECT session_key FROM leases
         UNION SELECT session_key FROM started_leases
         UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
       ) AS work
       WHERE NOT EXISTS (
         SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
         WHERE o.session_key = work.session_key AND o.released = 0 AND h.expires_at > ?
       )`,
    ),
    now,
  );
  return rows.map((row) => String(row[0]));
}

/** Inside a write transaction: throws unless the write's fence is the session's current owner. */
export function checkFence(query: Query, sessionKey: string, options: WriteOptions | undefined): void {
  const fence = writeFence(sessionKey, options);
  if (!fence) return;
  const row = query("SELECT owner_id, token FROM session_owners WHERE session_key = ?").get(sessionKey) as
    | { owner_id: string; token: number }
    | undefined;
  const current = row && {
    sessionKey,
    ownerId: String(row.owner_id),
    token: Number(row.token),
    expiresAt: 0,
  };
  staleFence(current, sessionKey, fence);
}
