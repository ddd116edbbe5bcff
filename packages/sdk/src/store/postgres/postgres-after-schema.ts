/**
 * Schema version 6: a write that depends on an earlier one in its batch. An op may name (`"d"`, its index
 * in the batch) a `write_state` or `claim_lease` of the same session before it: it runs only if that one
 * wrote or claimed, and otherwise answers GLF03 without running. So a write and the write that must follow
 * only from it (a turn's input after its claim, a lease after the state it is conditional on) share one
 * round trip, and the second never lands without the first. `apply_writes` is version 4's with that check.
 */
export const afterMigration: { version: number; sql: string } = {
  version: 6,
  sql: `
      -- Whether the op at p_index of the batch applied, from its outcome: a state written, a lease claimed,
      -- any other write without an error.
      CREATE FUNCTION op_applied(p_ops JSONB, p_outcomes JSONB[], p_index INTEGER) RETURNS BOOLEAN
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN NOT (p_outcomes[p_index + 1] ? 'rows') THEN false
          WHEN p_ops->p_index->>'f' = 'write_state'
            THEN p_outcomes[p_index + 1]->'rows'->0->>'written' IS NOT NULL
          WHEN p_ops->p_index->>'f' = 'claim_lease'
            THEN jsonb_array_length(p_outcomes[p_index + 1]->'rows') > 0
          ELSE true
        END
      $$;

      CREATE OR REPLACE FUNCTION apply_writes(p_ops JSONB, p_each BOOLEAN) RETURNS JSONB[] LANGUAGE plpgsql AS $$
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
          a := op->'a';
          IF op ? 'd' AND NOT op_applied(p_ops, outcomes, (op->>'d')::INTEGER) THEN
            outcomes := array_append(outcomes, jsonb_build_object('error',
              'not written: the write it depended on did not apply', 'code', 'GLF03'));
            CONTINUE;
          END IF;
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
            outcomes := array_append(outcomes, jsonb_build_object('rows',
              CASE WHEN f = 'answer_command' THEN '[{"answered": false}]'::JSONB ELSE '[]'::JSONB END));
            CONTINUE;
          END IF;
          IF fenced_session IS DISTINCT FROM v_session OR fenced_owner IS DISTINCT FROM v_owner
            OR fenced_token IS DISTINCT FROM v_token THEN
            IF p_each THEN
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
      END $$;
    `,
};
