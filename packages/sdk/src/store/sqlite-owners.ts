import type { StatementSync } from "node:sqlite";
import { acquisition, staleFence } from "./ownership.js";
import type { AcquireResult, Fence, SessionOwner } from "./store.js";

/** Prepares (or reuses) a statement on the store's open database. */
export type Query = (sql: string) => StatementSync;

type OwnerRow = { session_key: string; owner_id: string; token: number; expires_at: number };

const toOwner = (row: OwnerRow): SessionOwner => ({
  sessionKey: String(row.session_key),
  ownerId: String(row.owner_id),
  token: Number(row.token),
  expiresAt: Number(row.expires_at),
});

function currentOwner(query: Query, sessionKey: string): SessionOwner | undefined {
  const row = query("SELECT * FROM session_owners WHERE session_key = ?").get(sessionKey) as
    | OwnerRow
    | undefined;
  return row ? toOwner(row) : undefined;
}

/** Inside a write transaction: takes the session for `ownerId` unless a live owner holds it. */
export function acquireOwner(
  query: Query,
  sessionKey: string,
  ownerId: string,
  options: { now: number; ttlMs: number },
): AcquireResult {
  const result = acquisition(currentOwner(query, sessionKey), { sessionKey, ownerId, now: options.now });
  if (result.status === "acquired") {
    query(
      `INSERT INTO session_owners (session_key, owner_id, token, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token,
         expires_at = excluded.expires_at`,
    ).run(sessionKey, ownerId, result.fence.token, options.now + options.ttlMs);
  }
  return result;
}

/** Inside a write transaction: extends `ownerId`'s live claims; returns the sessions it still holds. */
export function renewOwner(query: Query, ownerId: string, options: { now: number; ttlMs: number }): string[] {
  query("UPDATE session_owners SET expires_at = ? WHERE owner_id = ? AND expires_at > 0").run(
    options.now + options.ttlMs,
    ownerId,
  );
  const rows = query("SELECT session_key FROM session_owners WHERE owner_id = ? AND expires_at > 0").all(
    ownerId,
  ) as { session_key: string }[];
  return rows.map((row) => String(row.session_key));
}

/** Inside a write transaction: `ownerId`'s claims (all, or the named sessions') expire now; tokens stay. */
export function releaseOwner(query: Query, ownerId: string, sessionKeys?: readonly string[]): void {
  if (!sessionKeys) {
    query("UPDATE session_owners SET expires_at = 0 WHERE owner_id = ?").run(ownerId);
    return;
  }
  const release = query("UPDATE session_owners SET expires_at = 0 WHERE owner_id = ? AND session_key = ?");
  for (const sessionKey of sessionKeys) release.run(ownerId, sessionKey);
}

export function listOwners(query: Query): SessionOwner[] {
  return (query("SELECT * FROM session_owners").all() as OwnerRow[]).map(toOwner);
}

/** Sessions with leases, started leases or unanswered commands whose owner is absent or expired at `now`. */
export function listOrphans(query: Query, now: number): string[] {
  const rows = query(
    `SELECT session_key FROM (
       SELECT session_key FROM leases
       UNION SELECT session_key FROM started_leases
       UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
     ) AS work
     WHERE NOT EXISTS (
       SELECT 1 FROM session_owners AS owner WHERE owner.session_key = work.session_key AND owner.expires_at > ?
     )`,
  ).all(now) as { session_key: string }[];
  return rows.map((row) => String(row.session_key));
}

/** Inside a write transaction: throws unless `fence` is the session's current owner. */
export function checkFence(query: Query, sessionKey: string, fence: Fence | undefined): void {
  if (fence) staleFence(currentOwner(query, sessionKey), sessionKey, fence);
}
