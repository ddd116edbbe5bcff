import { legacyCommandReply } from "../store.js";
import { acquireMigration } from "./postgres-acquire-schema.js";
import { afterMigration } from "./postgres-after-schema.js";
import { fenceOnceMigration } from "./postgres-fence-once-schema.js";
import { groupCommitMigration } from "./postgres-group-commit-schema.js";

/** The schema version this build writes; stored in the `goal_lease_schema` table. */
export const currentSchemaVersion = 6;

/**
 * Migrations by the version they produce: the same tables as SQLite's version 3, in PostgreSQL's types. A
 * new format appends a step here and a fixture under `test/fixtures/postgres/`.
 */
export const migrations: readonly { version: number; sql: string }[] = [
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
      -- One writer per session at a time (writes and acquisitions take the same lock), then the fence,
      -- read after the lock is held: a write from a process that lost the session fails with GLF01.
      -- Each write below is one call, so one round trip; each statement in it reads what is committed now.
      CREATE FUNCTION fence_session(p_session TEXT, p_owner TEXT, p_token BIGINT) RETURNS VOID
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(p_session, 0));
        IF p_owner IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM session_owners WHERE session_key = p_session AND owner_id = p_owner AND token = p_token
        ) THEN
          RAISE EXCEPTION 'session % is owned by another host', p_session USING ERRCODE = 'GLF01';
        END IF;
      END $$;

      -- Appends to a log; about once per fifty appends (log ids are shared), drops all but its last 1,000.
      CREATE FUNCTION append_log_rows(p_plugin TEXT, p_scope TEXT, p_key TEXT, p_values TEXT[]) RETURNS VOID
      LANGUAGE plpgsql AS $$
      DECLARE
        last_id BIGINT;
        added BIGINT;
      BEGIN
        WITH added_rows AS (
          INSERT INTO plugin_log (plugin_id, scope, key, value)
          SELECT p_plugin, p_scope, p_key, v FROM unnest(p_values) WITH ORDINALITY AS e(v, n) ORDER BY n
          RETURNING id
        ) SELECT max(id), count(*) INTO last_id, added FROM added_rows;
        IF added > 0 AND last_id / 50 <> (last_id - added) / 50 THEN
          DELETE FROM plugin_log AS l WHERE l.plugin_id = p_plugin AND l.scope = p_scope AND l.key = p_key
            AND l.id <= (
              SELECT k.id FROM plugin_log AS k WHERE k.plugin_id = p_plugin AND k.scope = p_scope AND k.key = p_key
              ORDER BY k.id DESC OFFSET 1000 LIMIT 1
            );
        END IF;
      END $$;

      CREATE FUNCTION append_log(
        p_plugin TEXT, p_scope TEXT, p_key TEXT, p_values TEXT[], p_owner TEXT, p_token BIGINT
      ) RETURNS VOID LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM fence_session(p_scope, p_owner, p_token);
        PERFORM append_log_rows(p_plugin, p_scope, p_key, p_values);
      END $$;

      -- Compare-and-set: the new version, or (when another write came first) the current value.
      CREATE FUNCTION write_state(
        p_plugin TEXT, p_scope TEXT, p_key TEXT, p_value TEXT, p_expected INTEGER, p_log TEXT[],
        p_owner TEXT, p_token BIGINT
      ) RETURNS TABLE (written INTEGER, current_value TEXT, current_version INTEGER)
      LANGUAGE plpgsql AS $$
      DECLARE
        new_version INTEGER;
      BEGIN
        PERFORM fence_session(p_scope, p_owner, p_token);
        IF p_expected = 0 THEN
          INSERT INTO plugin_state AS s (plugin_id, scope, key, value, version)
          VALUES (p_plugin, p_scope, p_key, p_value, 1)
          ON CONFLICT DO NOTHING RETURNING s.version INTO new_version;
        ELSE
          UPDATE plugin_state AS s SET value = p_value, version = s.version + 1
          WHERE s.plugin_id = p_plugin AND s.scope = p_scope AND s.key = p_key AND s.version = p_expected
          RETURNING s.version INTO new_version;
        END IF;
        IF new_version IS NULL THEN
          RETURN QUERY SELECT NULL::INTEGER, s.value, s.version FROM plugin_state AS s
            WHERE s.plugin_id = p_plugin AND s.scope = p_scope AND s.key = p_key;
          RETURN;
        END IF;
        IF p_log IS NOT NULL THEN
          PERFORM append_log_rows(p_plugin, p_scope, p_key, p_log);
        END IF;
        RETURN QUERY SELECT new_version, NULL::TEXT, NULL::INTEGER;
      END $$;

      CREATE FUNCTION append_transcript(
        p_session TEXT, p_generations INTEGER[], p_turns TEXT[], p_ats BIGINT[], p_leases TEXT[],
        p_messages TEXT[], p_owner TEXT, p_token BIGINT
      ) RETURNS VOID LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM fence_session(p_session, p_owner, p_token);
        INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message)
        SELECT p_session, g, t, a, l, m
        FROM unnest(p_generations, p_turns, p_ats, p_leases, p_messages) WITH ORDINALITY AS e(g, t, a, l, m, n)
        ORDER BY n;
      END $$;

      -- Stores the slot's lease unless the plugin's state is not at the version asked for: the version
      -- then, or the lease it replaced.
      CREATE FUNCTION put_lease(
        p_plugin TEXT, p_session TEXT, p_lease_key TEXT, p_id TEXT, p_message TEXT, p_created BIGINT,
        p_due BIGINT, p_generation INTEGER, p_if_key TEXT, p_if_version INTEGER, p_owner TEXT, p_token BIGINT
      ) RETURNS TABLE (conflict_version INTEGER, replaced JSON) LANGUAGE plpgsql AS $$
      DECLARE
        state_version INTEGER;
        old JSON;
      BEGIN
        PERFORM fence_session(p_session, p_owner, p_token);
        IF p_if_key IS NOT NULL THEN
          SELECT s.version INTO state_version FROM plugin_state AS s
            WHERE s.plugin_id = p_plugin AND s.scope = p_session AND s.key = p_if_key;
          IF coalesce(state_version, 0) <> p_if_version THEN
            RETURN QUERY SELECT coalesce(state_version, 0), NULL::JSON;
            RETURN;
          END IF;
        END IF;
        SELECT row_to_json(l) INTO old FROM leases AS l
          WHERE l.plugin_id = p_plugin AND l.session_key = p_session AND l.lease_key = p_lease_key;
        INSERT INTO leases AS l (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
        VALUES (p_plugin, p_session, p_lease_key, p_id, p_message, p_created, p_due, p_generation)
        ON CONFLICT (plugin_id, session_key, lease_key) DO UPDATE SET id = excluded.id,
          message = excluded.message, created_at = excluded.created_at, due_at = excluded.due_at,
          generation = excluded.generation;
        RETURN QUERY SELECT NULL::INTEGER, old;
      END $$;

      CREATE FUNCTION claim_lease(
        p_plugin TEXT, p_session TEXT, p_lease_key TEXT, p_id TEXT, p_owner TEXT, p_token BIGINT
      ) RETURNS SETOF started_leases LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM fence_session(p_session, p_owner, p_token);
        RETURN QUERY
          WITH claimed AS (
            DELETE FROM leases AS l
            WHERE l.plugin_id = p_plugin AND l.session_key = p_session AND l.lease_key = p_lease_key AND l.id = p_id
            RETURNING l.plugin_id, l.session_key, l.lease_key, l.id, l.message, l.created_at, l.due_at, l.generation
          )
          INSERT INTO started_leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
          SELECT * FROM claimed RETURNING *;
      END $$;

      CREATE FUNCTION finish_lease(p_id TEXT, p_owner TEXT, p_token BIGINT) RETURNS VOID
      LANGUAGE plpgsql AS $$
      DECLARE
        found_session TEXT;
      BEGIN
        SELECT s.session_key INTO found_session FROM started_leases AS s WHERE s.id = p_id;
        IF found_session IS NULL THEN
          RETURN;
        END IF;
        PERFORM fence_session(found_session, p_owner, p_token);
        DELETE FROM started_leases AS s WHERE s.id = p_id;
      END $$;

      CREATE FUNCTION delete_lease(
        p_plugin TEXT, p_session TEXT, p_lease_key TEXT, p_expected_id TEXT, p_owner TEXT, p_token BIGINT
      ) RETURNS SETOF leases LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM fence_session(p_session, p_owner, p_token);
        RETURN QUERY DELETE FROM leases AS l
          WHERE l.plugin_id = p_plugin AND l.session_key = p_session AND l.lease_key = p_lease_key
            AND (p_expected_id IS NULL OR l.id = p_expected_id)
          RETURNING *;
      END $$;
    `,
  },
  {
    // As SQLite's version 4: a change from another process is data (plugin, verb, input), and its answer
    // says whether it applied; a command an older version posted as text, never run, is answered so.
    version: 2,
    sql: `
      ALTER TABLE session_inbox
        ADD COLUMN plugin_id TEXT NOT NULL DEFAULT '',
        ADD COLUMN verb TEXT NOT NULL DEFAULT '',
        ADD COLUMN input TEXT NOT NULL DEFAULT 'null',
        ADD COLUMN applied BOOLEAN;
      UPDATE session_inbox
        SET reply = '${legacyCommandReply.replaceAll("'", "''")}', applied = false, answered_at = posted_at
        WHERE answered_at IS NULL;
      UPDATE session_inbox SET applied = true WHERE applied IS NULL;
      ALTER TABLE session_inbox DROP COLUMN text;
      ALTER TABLE session_inbox ALTER COLUMN plugin_id DROP DEFAULT, ALTER COLUMN verb DROP DEFAULT,
        ALTER COLUMN input DROP DEFAULT;
    `,
  },
  groupCommitMigration,
  fenceOnceMigration,
  acquireMigration,
  afterMigration,
];
