/** The schema version this build writes; stored in the `goal_lease_schema` table. */
export const currentPostgresSchemaVersion = 1;

/**
 * Migrations by the version they produce: the same tables as SQLite's version 3, in PostgreSQL's types. A
 * new format appends a step here and a fixture under `test/fixtures/postgres/`.
 */
export const postgresMigrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE sessions (
        session_key TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        generation INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        closed_at BIGINT
      );
      CREATE TABLE transcript (
        id BIGSERIAL PRIMARY KEY,
        session_key TEXT NOT NULL,
        generation INTEGER NOT NULL,
        turn_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        lease_id TEXT,
        message TEXT NOT NULL
      );
      CREATE INDEX transcript_by_session ON transcript (session_key, generation, id);
      CREATE TABLE plugin_state (
        plugin_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (plugin_id, scope, key)
      );
      CREATE TABLE plugin_log (
        id BIGSERIAL PRIMARY KEY,
        plugin_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL
      );
      CREATE INDEX plugin_log_by_key ON plugin_log (plugin_id, scope, key, id);
      CREATE TABLE leases (
        plugin_id TEXT NOT NULL,
        session_key TEXT NOT NULL,
        lease_key TEXT NOT NULL,
        id TEXT NOT NULL UNIQUE,
        message TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        due_at BIGINT NOT NULL,
        generation INTEGER NOT NULL,
        PRIMARY KEY (plugin_id, session_key, lease_key)
      );
      CREATE INDEX leases_by_session ON leases (session_key);
      CREATE TABLE started_leases (
        id TEXT PRIMARY KEY,
        plugin_id TEXT NOT NULL,
        session_key TEXT NOT NULL,
        lease_key TEXT NOT NULL,
        message TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        due_at BIGINT NOT NULL,
        generation INTEGER NOT NULL
      );
      CREATE INDEX started_leases_by_session ON started_leases (session_key);
      CREATE TABLE hosts (
        owner_id TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE session_owners (
        session_key TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        token BIGINT NOT NULL,
        released BOOLEAN NOT NULL DEFAULT false
      );
      CREATE INDEX session_owners_by_owner ON session_owners (owner_id);
      CREATE TABLE session_inbox (
        id TEXT PRIMARY KEY,
        session_key TEXT NOT NULL,
        text TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        sender_is_owner BOOLEAN NOT NULL,
        posted_at BIGINT NOT NULL,
        reply TEXT,
        answered_at BIGINT
      );
      CREATE INDEX session_inbox_pending ON session_inbox (posted_at) WHERE answered_at IS NULL;
      -- One writer per session at a time (writes and acquisitions take the same lock), and the fence
      -- checked after the lock is held: one round trip. Each statement here reads what is committed now.
      CREATE FUNCTION lock_session(p_session TEXT, p_owner TEXT, p_token BIGINT) RETURNS BOOLEAN
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_session, 0));
        IF p_owner IS NULL THEN
          RETURN true;
        END IF;
        RETURN EXISTS (
          SELECT 1 FROM session_owners WHERE session_key = p_session AND owner_id = p_owner AND token = p_token
        );
      END $$;
    `,
  },
];
