/**
 * Schema version 5: taking sessions in one statement. Version 4 took them in a transaction of five round
 * trips (the host's liveness row, the sessions' locks, their owners, the new claims, the commit), and the
 * host's liveness row stayed locked across all of them, so one host's session openings waited on each
 * other a round trip at a time. `acquire_sessions` does the same in one call: the liveness row, the locks
 * in key order, and the one rule of every store (`acquisition` in `ownership.ts`: free, expired or already
 * ours is taken, a new owner gets the next token; a live owner's is not), set-based, one row per key asked
 * for, in order. A key asked for twice finds itself ours the second time, as in the other stores.
 */
export const acquireMigration: { version: number; sql: string } = {
  version: 5,
  sql: `
      CREATE FUNCTION acquire_sessions(p_owner TEXT, p_keys TEXT[], p_now BIGINT, p_ttl BIGINT)
      RETURNS TABLE (held BOOLEAN, previous BOOLEAN, current_owner TEXT, current_token BIGINT,
        current_expires BIGINT, new_token BIGINT)
      LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO hosts AS h (owner_id, expires_at) VALUES (p_owner, p_now + p_ttl)
          ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at;
        -- One acquirer per session at a time (writers take the same lock), in key order so two hosts never
        -- wait on each other: code point order, whatever the database's collation, as a host sorts a batch.
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0))
          FROM (SELECT DISTINCT unnest(p_keys) COLLATE "C" AS k ORDER BY 1) AS keys;
        RETURN QUERY
        WITH asked AS (
          SELECT a.k, a.n FROM unnest(p_keys) WITH ORDINALITY AS a(k, n)
        ), firsts AS (
          SELECT DISTINCT ON (asked.k) asked.k, asked.n FROM asked ORDER BY asked.k, asked.n
        ), current AS (
          SELECT f.k, f.n, o.owner_id AS owner, o.token AS tok,
            CASE WHEN o.released THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires
          FROM firsts AS f
          LEFT JOIN session_owners AS o ON o.session_key = f.k
          LEFT JOIN hosts AS h ON h.owner_id = o.owner_id
        ), decided AS (
          SELECT c.*,
            coalesce(c.owner <> p_owner AND c.expires > p_now, false) AS is_held,
            coalesce(c.owner = p_owner AND c.expires > p_now, false) AS is_ours
          FROM current AS c
        ), claimed AS (
          INSERT INTO session_owners AS o (session_key, owner_id, token, released)
          SELECT d.k, p_owner, coalesce(d.tok, 0) + 1, false FROM decided AS d
          WHERE NOT d.is_held AND NOT d.is_ours
          ORDER BY d.k
          ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token,
            released = false
        )
        SELECT d.is_held,
          asked.n = d.n AND d.owner IS NOT NULL AND NOT d.is_held AND NOT d.is_ours,
          d.owner, d.tok, d.expires,
          CASE WHEN d.is_held OR d.is_ours THEN d.tok ELSE coalesce(d.tok, 0) + 1 END
        FROM asked JOIN decided AS d ON d.k = asked.k
        ORDER BY asked.n;
      END $$;
    `,
};
