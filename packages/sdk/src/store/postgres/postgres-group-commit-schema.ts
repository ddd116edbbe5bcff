/** Schema version 3: the functions behind the group commit (postgres-group-commit.ts). */
export const groupCommitMigration: { version: number; sql: string } = {
  // The group commit: the writes of many sessions in one statement, so one transaction and one round trip,
  // each in a subtransaction of its own (a refused or failed write changes nothing and the others commit),
  // each through its function, which fences. The writes that were several statements are functions now.
  version: 3,
  sql: `
      CREATE FUNCTION text_array(p JSONB) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN p IS NULL OR jsonb_typeof(p) = 'null' THEN NULL
          ELSE ARRAY(SELECT e FROM jsonb_array_elements_text(p) WITH ORDINALITY AS x(e, n) ORDER BY n) END
      $$;

      CREATE FUNCTION put_session(
        p_session TEXT, p_agent TEXT, p_channel TEXT, p_generation INTEGER, p_created BIGINT, p_closed BIGINT,
        p_owner TEXT, p_token BIGINT
      ) RETURNS VOID LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM fence_session(p_session, p_owner, p_token);
        INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at)
        VALUES (p_session, p_agent, p_channel, p_generation, p_created, p_closed)
        ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
          generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at;
      END $$;

      CREATE FUNCTION delete_state(p_plugin TEXT, p_scope TEXT, p_key TEXT, p_owner TEXT, p_token BIGINT)
      RETURNS TABLE (deleted BOOLEAN) LANGUAGE plpgsql AS $$
      DECLARE
        n INTEGER;
      BEGIN
        PERFORM fence_session(p_scope, p_owner, p_token);
        DELETE FROM plugin_log AS l WHERE l.plugin_id = p_plugin AND l.scope = p_scope AND l.key = p_key;
        DELETE FROM plugin_state AS s WHERE s.plugin_id = p_plugin AND s.scope = p_scope AND s.key = p_key;
        GET DIAGNOSTICS n = ROW_COUNT;
        RETURN QUERY SELECT n > 0;
      END $$;

      CREATE FUNCTION delete_session_leases(p_session TEXT, p_owner TEXT, p_token BIGINT)
      RETURNS SETOF leases LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM fence_session(p_session, p_owner, p_token);
        RETURN QUERY DELETE FROM leases AS l WHERE l.session_key = p_session RETURNING *;
      END $$;

      -- The answer, fenced by the command's session; whether it was recorded (false: answered already, or
      -- no such command).
      CREATE FUNCTION answer_command(
        p_id TEXT, p_reply TEXT, p_applied BOOLEAN, p_at BIGINT, p_keep_ms BIGINT, p_owner TEXT, p_token BIGINT
      ) RETURNS TABLE (answered BOOLEAN) LANGUAGE plpgsql AS $$
      DECLARE
        found_session TEXT;
        n INTEGER;
      BEGIN
        SELECT i.session_key INTO found_session FROM session_inbox AS i WHERE i.id = p_id;
        IF found_session IS NULL THEN
          RETURN QUERY SELECT false;
          RETURN;
        END IF;
        PERFORM fence_session(found_session, p_owner, p_token);
        UPDATE session_inbox AS i SET reply = p_reply, applied = p_applied, answered_at = p_at
          WHERE i.id = p_id AND i.answered_at IS NULL;
        GET DIAGNOSTICS n = ROW_COUNT;
        DELETE FROM session_inbox AS i WHERE i.session_key = found_session AND i.answered_at < p_at - p_keep_ms;
        RETURN QUERY SELECT n > 0;
      END $$;

      -- Each op is {"f": function, "a": [arguments, in order]}; one result per op, in order: {"rows": [...]}
      -- or {"error": message, "code": SQLSTATE}.
      CREATE FUNCTION apply_batch(p_ops JSONB) RETURNS JSONB LANGUAGE plpgsql AS $$
      DECLARE
        op JSONB;
        a JSONB;
        result JSONB;
        results JSONB := '[]';
      BEGIN
        FOR op IN SELECT o FROM jsonb_array_elements(p_ops) WITH ORDINALITY AS x(o, n) ORDER BY n LOOP
          a := op->'a';
          BEGIN
            CASE op->>'f'
              WHEN 'write_state' THEN
                SELECT jsonb_agg(to_jsonb(r)) INTO result FROM write_state(a->>0, a->>1, a->>2, a->>3,
                  (a->>4)::INTEGER, text_array(a->5), a->>6, (a->>7)::BIGINT) AS r;
              WHEN 'append_log' THEN
                PERFORM append_log(a->>0, a->>1, a->>2, text_array(a->3), a->>4, (a->>5)::BIGINT);
                result := NULL;
              WHEN 'append_transcript' THEN
                PERFORM append_transcript(a->>0, text_array(a->1)::INTEGER[], text_array(a->2),
                  text_array(a->3)::BIGINT[], text_array(a->4), text_array(a->5), a->>6, (a->>7)::BIGINT);
                result := NULL;
              WHEN 'put_lease' THEN
                SELECT jsonb_agg(to_jsonb(r)) INTO result FROM put_lease(a->>0, a->>1, a->>2, a->>3, a->>4,
                  (a->>5)::BIGINT, (a->>6)::BIGINT, (a->>7)::INTEGER, a->>8, (a->>9)::INTEGER, a->>10,
                  (a->>11)::BIGINT) AS r;
              WHEN 'claim_lease' THEN
                SELECT jsonb_agg(to_jsonb(r)) INTO result FROM claim_lease(a->>0, a->>1, a->>2, a->>3, a->>4,
                  (a->>5)::BIGINT) AS r;
              WHEN 'finish_lease' THEN
                PERFORM finish_lease(a->>0, a->>1, (a->>2)::BIGINT);
                result := NULL;
              WHEN 'delete_lease' THEN
                SELECT jsonb_agg(to_jsonb(r)) INTO result FROM delete_lease(a->>0, a->>1, a->>2, a->>3, a->>4,
                  (a->>5)::BIGINT) AS r;
              WHEN 'delete_session_leases' THEN
                SELECT jsonb_agg(to_jsonb(r)) INTO result FROM delete_session_leases(a->>0, a->>1,
                  (a->>2)::BIGINT) AS r;
              WHEN 'put_session' THEN
                PERFORM put_session(a->>0, a->>1, a->>2, (a->>3)::INTEGER, (a->>4)::BIGINT, (a->>5)::BIGINT,
                  a->>6, (a->>7)::BIGINT);
                result := NULL;
              WHEN 'delete_state' THEN
                -- One column: the function's value is a scalar, named here.
                SELECT jsonb_agg(jsonb_build_object('deleted', d)) INTO result FROM delete_state(a->>0, a->>1,
                  a->>2, a->>3, (a->>4)::BIGINT) AS d;
              WHEN 'answer_command' THEN
                SELECT jsonb_agg(jsonb_build_object('answered', d)) INTO result FROM answer_command(a->>0,
                  a->>1, (a->>2)::BOOLEAN, (a->>3)::BIGINT, (a->>4)::BIGINT, a->>5, (a->>6)::BIGINT) AS d;
              ELSE
                RAISE EXCEPTION 'unknown write %', op->>'f' USING ERRCODE = 'GLF02';
            END CASE;
            results := results || jsonb_build_array(jsonb_build_object('rows', coalesce(result, '[]')));
          EXCEPTION WHEN OTHERS THEN
            results := results || jsonb_build_array(jsonb_build_object('error', SQLERRM, 'code', SQLSTATE));
          END;
        END LOOP;
        RETURN results;
      END $$;
    `,
};
