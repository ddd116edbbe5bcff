import { applyWritesFunction } from "./postgres-apply-writes.js";

/**
 * Schema version 4: the same batch for less server work per write. Version 3 ran each write as a call of
 * its fencing function in a subtransaction of its own: a lock and a fence check per write, a subtransaction
 * per write, and each array argument decoded from JSON by a SQL function (the costliest part, measured).
 * Now `apply_batch` takes a session's lock and checks its fence once for the writes of that session that
 * follow one another in the batch (they come in lock-key order), answers GLF01 for the writes of a stale
 * fence without running them, and runs the writes' bodies (`apply_write`, no fence inside) together in one
 * subtransaction; only if one of them raises is that rolled back and the batch run again write by write,
 * each in a subtransaction of its own, so a failed write still fails alone and the others commit. Array
 * arguments come as PostgreSQL array literals (`{"a","b",NULL}`), decoded by the server's own cast. The
 * bodies are in line in `apply_write` (a log append too): a call of a PL/pgSQL function costs about as much
 * as the insert it runs. The fenced functions of versions 1-3 stay for single calls; `apply_batch` no
 * longer calls them.
 */
export const fenceOnceMigration: { version: number; sql: string } = {
  version: 4,
  sql: `
      -- The session's lock (unless p_lock is false: held already), then whether the fence is the owner's
      -- (no owner: an unfenced write, always).
      CREATE FUNCTION take_fence(p_session TEXT, p_owner TEXT, p_token BIGINT, p_lock BOOLEAN) RETURNS BOOLEAN
      LANGUAGE plpgsql AS $$
      BEGIN
        IF p_lock THEN
          PERFORM pg_advisory_xact_lock(hashtextextended(p_session, 0));
        END IF;
        RETURN p_owner IS NULL OR EXISTS (
          SELECT 1 FROM session_owners AS o
          WHERE o.session_key = p_session AND o.owner_id = p_owner AND o.token = p_token
        );
      END $$;

      -- One write's body, without its fence (apply_batch fenced its session): the rows it answers, as the
      -- fenced function of the same name answers them. Arguments as that function's, less owner and token;
      -- arrays as array literals. finish_lease and answer_command get their session first (p_session).
      CREATE FUNCTION apply_write(p_f TEXT, a JSONB, p_session TEXT) RETURNS JSONB LANGUAGE plpgsql AS $$
      DECLARE
        v_plugin TEXT;
        v_session TEXT;
        v_key TEXT;
        v_version INTEGER;
        v_old JSONB;
        v_rows JSONB;
        v_generations INTEGER[];
        v_turns TEXT[];
        v_ats BIGINT[];
        v_leases TEXT[];
        v_messages TEXT[];
        v_values TEXT[];
        v_last BIGINT;
        v_count INTEGER;
      BEGIN
        CASE p_f
          WHEN 'write_state' THEN
            v_plugin := a->>0;
            v_session := a->>1;
            v_key := a->>2;
            IF (a->>4)::INTEGER = 0 THEN
              INSERT INTO plugin_state AS s (plugin_id, scope, key, value, version)
              VALUES (v_plugin, v_session, v_key, a->>3, 1)
              ON CONFLICT DO NOTHING RETURNING s.version INTO v_version;
            ELSE
              UPDATE plugin_state AS s SET value = a->>3, version = s.version + 1
              WHERE s.plugin_id = v_plugin AND s.scope = v_session AND s.key = v_key
                AND s.version = (a->>4)::INTEGER
              RETURNING s.version INTO v_version;
            END IF;
            IF v_version IS NULL THEN
              SELECT jsonb_build_array(jsonb_build_object('written', NULL, 'current_value', s.value,
                'current_version', s.version)) INTO v_rows
              FROM plugin_state AS s WHERE s.plugin_id = v_plugin AND s.scope = v_session AND s.key = v_key;
              RETURN coalesce(v_rows, '[]');
            END IF;
            v_values := (a->>5)::TEXT[];
            v_rows := jsonb_build_array(jsonb_build_object('written', v_version, 'current_value', NULL,
              'current_version', NULL));
          WHEN 'append_log' THEN
            v_plugin := a->>0;
            v_session := a->>1;
            v_key := a->>2;
            v_values := (a->>3)::TEXT[];
            v_rows := '[]';
          WHEN 'append_transcript' THEN
            v_generations := (a->>1)::INTEGER[];
            v_turns := (a->>2)::TEXT[];
            v_ats := (a->>3)::BIGINT[];
            v_leases := (a->>4)::TEXT[];
            v_messages := (a->>5)::TEXT[];
            IF cardinality(v_turns) = 1 THEN
              INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message)
              VALUES (a->>0, v_generations[1], v_turns[1], v_ats[1], v_leases[1], v_messages[1]);
            ELSE
              INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message)
              SELECT a->>0, g, t, x, l, m
              FROM unnest(v_generations, v_turns, v_ats, v_leases, v_messages) WITH ORDINALITY AS e(g, t, x, l, m, n)
              ORDER BY n;
            END IF;
            RETURN '[]';
          WHEN 'put_lease' THEN
            v_plugin := a->>0;
            v_session := a->>1;
            v_key := a->>2;
            IF a->>8 IS NOT NULL THEN
              SELECT s.version INTO v_version FROM plugin_state AS s
                WHERE s.plugin_id = v_plugin AND s.scope = v_session AND s.key = a->>8;
              IF coalesce(v_version, 0) <> (a->>9)::INTEGER THEN
                RETURN jsonb_build_array(jsonb_build_object('conflict_version', coalesce(v_version, 0),
                  'replaced', NULL));
              END IF;
            END IF;
            SELECT to_jsonb(l) INTO v_old FROM leases AS l
              WHERE l.plugin_id = v_plugin AND l.session_key = v_session AND l.lease_key = v_key;
            INSERT INTO leases AS l (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
            VALUES (v_plugin, v_session, v_key, a->>3, a->>4, (a->>5)::BIGINT, (a->>6)::BIGINT,
              (a->>7)::INTEGER)
            ON CONFLICT (plugin_id, session_key, lease_key) DO UPDATE SET id = excluded.id,
              message = excluded.message, created_at = excluded.created_at, due_at = excluded.due_at,
              generation = excluded.generation;
            RETURN jsonb_build_array(jsonb_build_object('conflict_version', NULL, 'replaced', v_old));
          WHEN 'claim_lease' THEN
            WITH claimed AS (
              DELETE FROM leases AS l
              WHERE l.plugin_id = a->>0 AND l.session_key = a->>1 AND l.lease_key = a->>2 AND l.id = a->>3
              RETURNING l.plugin_id, l.session_key, l.lease_key, l.id, l.message, l.created_at, l.due_at,
                l.generation
            ), started AS (
              INSERT INTO started_leases (plugin_id, session_key, lease_key, id, message, created_at, due_at,
                generation)
              SELECT * FROM claimed RETURNING *
            ) SELECT jsonb_agg(to_jsonb(started)) INTO v_rows FROM started;
            RETURN coalesce(v_rows, '[]');
          WHEN 'finish_lease' THEN
            DELETE FROM started_leases AS s WHERE s.id = a->>0;
            RETURN '[]';
          WHEN 'delete_lease' THEN
            WITH deleted AS (
              DELETE FROM leases AS l
              WHERE l.plugin_id = a->>0 AND l.session_key = a->>1 AND l.lease_key = a->>2
                AND (a->>3 IS NULL OR l.id = a->>3)
              RETURNING *
            ) SELECT jsonb_agg(to_jsonb(deleted)) INTO v_rows FROM deleted;
            RETURN coalesce(v_rows, '[]');
          WHEN 'delete_session_leases' THEN
            WITH deleted AS (
              DELETE FROM leases AS l WHERE l.session_key = a->>0 RETURNING *
            ) SELECT jsonb_agg(to_jsonb(deleted)) INTO v_rows FROM deleted;
            RETURN coalesce(v_rows, '[]');
          WHEN 'put_session' THEN
            INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at)
            VALUES (a->>0, a->>1, a->>2, (a->>3)::INTEGER, (a->>4)::BIGINT, (a->>5)::BIGINT)
            ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
              generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at;
            RETURN '[]';
          WHEN 'delete_state' THEN
            DELETE FROM plugin_log AS l WHERE l.plugin_id = a->>0 AND l.scope = a->>1 AND l.key = a->>2;
            DELETE FROM plugin_state AS s WHERE s.plugin_id = a->>0 AND s.scope = a->>1 AND s.key = a->>2;
            GET DIAGNOSTICS v_count = ROW_COUNT;
            RETURN jsonb_build_array(jsonb_build_object('deleted', v_count > 0));
          WHEN 'answer_command' THEN
            UPDATE session_inbox AS i SET reply = a->>1, applied = (a->>2)::BOOLEAN, answered_at = (a->>3)::BIGINT
              WHERE i.id = a->>0 AND i.answered_at IS NULL;
            GET DIAGNOSTICS v_count = ROW_COUNT;
            DELETE FROM session_inbox AS i
              WHERE i.session_key = p_session AND i.answered_at < (a->>3)::BIGINT - (a->>4)::BIGINT;
            RETURN jsonb_build_array(jsonb_build_object('answered', v_count > 0));
          ELSE
            RAISE EXCEPTION 'unknown write %', p_f USING ERRCODE = 'GLF02';
        END CASE;
        -- The log of write_state or append_log, as append_log_rows (version 1) appends it, in line: the
        -- values in order, then about once per fifty appends (log ids are shared) all but the key's last 1,000
        -- dropped. One value (the usual) is a plain insert.
        IF v_values IS NOT NULL THEN
          IF cardinality(v_values) = 1 THEN
            INSERT INTO plugin_log (plugin_id, scope, key, value) VALUES (v_plugin, v_session, v_key, v_values[1])
              RETURNING id INTO v_last;
            v_count := 1;
          ELSE
            WITH added_rows AS (
              INSERT INTO plugin_log (plugin_id, scope, key, value)
              SELECT v_plugin, v_session, v_key, v FROM unnest(v_values) WITH ORDINALITY AS e(v, n) ORDER BY n
              RETURNING id
            ) SELECT max(id), count(*) INTO v_last, v_count FROM added_rows;
          END IF;
          IF v_count > 0 AND v_last / 50 <> (v_last - v_count) / 50 THEN
            DELETE FROM plugin_log AS l WHERE l.plugin_id = v_plugin AND l.scope = v_session AND l.key = v_key
              AND l.id <= (
                SELECT k.id FROM plugin_log AS k
                WHERE k.plugin_id = v_plugin AND k.scope = v_session AND k.key = v_key
                ORDER BY k.id DESC OFFSET 1000 LIMIT 1
              );
          END IF;
        END IF;
        RETURN v_rows;
      END $$;

      -- The batch's writes in order, each fenced: a session's lock is taken and its fence checked once for
      -- the writes of that session (and fence) that follow one another. p_each: each write in a
      -- subtransaction of its own (the fence outside it, so the lock stays held when a write fails).
      -- Each op is {"f": write, "a": [arguments], "o": owner, "t": token} (no "o": unfenced).
      ${applyWritesFunction("CREATE")}

      -- One result per op, in order: {"rows": [...]} or {"error": message, "code": SQLSTATE}. The writes
      -- run together in one subtransaction; if one raises, that is rolled back (its locks with it) and the
      -- batch runs again with each write in a subtransaction of its own.
      CREATE OR REPLACE FUNCTION apply_batch(p_ops JSONB) RETURNS JSONB LANGUAGE plpgsql AS $$
      DECLARE
        outcomes JSONB[];
      BEGIN
        BEGIN
          outcomes := apply_writes(p_ops, false);
        EXCEPTION WHEN OTHERS THEN
          outcomes := NULL;
        END;
        IF outcomes IS NULL THEN
          outcomes := apply_writes(p_ops, true);
        END IF;
        RETURN to_jsonb(outcomes);
      END $$;
    `,
};
