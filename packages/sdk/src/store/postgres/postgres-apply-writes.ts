/**
 * `apply_writes`, the loop of `apply_batch` over a batch's writes, as schema version 4 created it and
 * version 6 replaces it (`check`: PL/pgSQL run for each op before its fence, which may answer it and go on
 * to the next): the batch's writes in order, each fenced, a session's lock taken and its fence checked once
 * for the writes of that session (and fence) that follow one another; with p_each, each write in a
 * subtransaction of its own (the fence outside it, so the lock stays held when a write fails).
 */
export function applyWritesFunction(create: "CREATE" | "CREATE OR REPLACE", check = ""): string {
  return `${create} FUNCTION apply_writes(p_ops JSONB, p_each BOOLEAN) RETURNS JSONB[] LANGUAGE plpgsql AS $$
      DECLARE
        op JSONB;
        f TEXT;
        a JSONB;
        v_owner TEXT;
        v_token BIGINT;
        v_session TEXT;
        fenced_session TEXT;
        fenced_owner TEXT;
        fenced_token BIGINT;
        fenced_ok BOOLEAN;
        outcome JSONB;
        outcomes JSONB[] := '{}';
      BEGIN
        FOR i IN 0 .. jsonb_array_length(p_ops) - 1 LOOP
          op := p_ops->i;
          f := op->>'f';
          a := op->'a';${check}
          v_owner := op->>'o';
          v_token := (op->>'t')::BIGINT;
          IF f = 'finish_lease' THEN
            SELECT s.session_key INTO v_session FROM started_leases AS s WHERE s.id = a->>0;
          ELSIF f = 'answer_command' THEN
            SELECT c.session_key INTO v_session FROM session_inbox AS c WHERE c.id = a->>0;
          ELSIF f IN ('append_transcript', 'delete_session_leases', 'put_session') THEN
            v_session := a->>0;
          ELSE
            v_session := a->>1;
          END IF;
          IF v_session IS NULL AND f IN ('finish_lease', 'answer_command') THEN
            -- No such started lease or command: nothing to do, nothing to fence.
            outcomes := array_append(outcomes, jsonb_build_object('rows',
              CASE WHEN f = 'answer_command' THEN '[{"answered": false}]'::JSONB ELSE '[]'::JSONB END));
            CONTINUE;
          END IF;
          IF fenced_session IS DISTINCT FROM v_session OR fenced_owner IS DISTINCT FROM v_owner
            OR fenced_token IS DISTINCT FROM v_token THEN
            IF p_each THEN
              -- A lock that fails (a deadlock, a timeout) fails this write alone; one taken stays held.
              BEGIN
                fenced_ok := take_fence(v_session, v_owner, v_token, fenced_session IS DISTINCT FROM v_session);
              EXCEPTION WHEN OTHERS THEN
                outcomes := array_append(outcomes, jsonb_build_object('error', SQLERRM, 'code', SQLSTATE));
                fenced_session := NULL;
                CONTINUE;
              END;
            ELSE
              fenced_ok := take_fence(v_session, v_owner, v_token, fenced_session IS DISTINCT FROM v_session);
            END IF;
            fenced_session := v_session;
            fenced_owner := v_owner;
            fenced_token := v_token;
          END IF;
          IF NOT fenced_ok THEN
            outcomes := array_append(outcomes, jsonb_build_object('error',
              format('session %s is owned by another host', v_session), 'code', 'GLF01'));
            CONTINUE;
          END IF;
          IF p_each THEN
            BEGIN
              outcome := jsonb_build_object('rows', apply_write(f, a, v_session));
            EXCEPTION WHEN OTHERS THEN
              outcome := jsonb_build_object('error', SQLERRM, 'code', SQLSTATE);
            END;
          ELSE
            outcome := jsonb_build_object('rows', apply_write(f, a, v_session));
          END IF;
          outcomes := array_append(outcomes, outcome);
        END LOOP;
        RETURN outcomes;
      END $$;`;
}
