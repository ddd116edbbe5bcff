import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as f,b as c,c as u}from"./chunk-NX2UKZNU.js";import{a as $,b as T,g as S,h as A,i as M,j as I,k as X}from"./chunk-ZLX3MGYH.js";import{b as B,c as _,d as L,e as O,f as x,g as m,h as H,i as b}from"./chunk-LD3CRQI7.js";import{a as F,d as G,e as N}from"./chunk-36TI6OSB.js";import"./chunk-FEKFFLDD.js";var W=60,he=2,w=class{#e;#t=[];#s=!1;#n=new Set;#o=new Set;constructor(e){this.#e=e}#i=new WeakMap;#a;add(e,s,n){let o=n&&this.#i.get(n);return n&&o?.lockKey!==e?O(n).then(()=>this.add(e,s)):new Promise((a,i)=>{let r={lockKey:e,op:s,resolve:a,reject:i};o&&(r.after=o),this.#a=r,this.#t.push(r),this.#E()})}track(e){this.#a=void 0;let s=e();return this.#a&&this.#i.set(s,this.#a),this.#a=void 0,s}async drained(){for(;this.#n.size>0||this.#s||this.#t.length>0;)this.#n.size>0?await Promise.race(this.#n):await new Promise(e=>setImmediate(e))}#E(){this.#s||(this.#s=!0,setImmediate(()=>{this.#s=!1,this.#r()}))}#r(){for(;this.#n.size<he;){let e=this.#_(this.#n.size===0?1:W/2);if(!e)return;let s=this.#l(e).finally(()=>{this.#n.delete(s);for(let n of e)this.#o.delete(n.lockKey);this.#r()});this.#n.add(s)}}#_(e){let s=0;for(let a of this.#t)if(!this.#o.has(a.lockKey)&&++s>=e)break;if(s<e)return;let n=[],o=[];for(let a of this.#t)n.length<W&&!this.#o.has(a.lockKey)?n.push(a):o.push(a);this.#t=o;for(let a of n)this.#o.add(a.lockKey);return n}async#l(e){let s=[];for(let a of e)a.after?.applied===!1?(a.applied=!1,a.reject(L())):s.push(a);if(s.length===0)return;let n=s.map((a,i)=>({pending:a,index:i})).sort((a,i)=>a.pending.lockKey<i.pending.lockKey?-1:a.pending.lockKey>i.pending.lockKey?1:a.index-i.index).map(({pending:a})=>a),o;try{let{rows:a}=await this.#e.query({name:"goal_lease_apply_batch",text:"SELECT apply_batch($1::jsonb) AS outcomes",values:[JSON.stringify(fe(n))]});o=a[0]?.outcomes}catch(a){for(let i of n)i.applied=!1,i.reject(a);return}n.forEach((a,i)=>{let r=o[i];if(a.applied=r!==void 0&&"rows"in r&&me(a.op.f,r.rows),r&&"rows"in r)a.resolve(r.rows);else{let l=Object.assign(new Error(r?.error??"no answer for a write in its batch"),{code:r?.code});a.reject(l)}})}};function fe(t){let e=new Map;return t.map((s,n)=>{e.set(s,n);let o=s.after&&e.get(s.after);return o===void 0?s.op:{...s.op,d:o}})}function me(t,e){return t==="write_state"?e[0]!==void 0&&e[0].written!==null:t==="claim_lease"?e.length>0:!0}var q={version:5,sql:`
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
    `};function g(t,e=""){return`${t} FUNCTION apply_writes(p_ops JSONB, p_each BOOLEAN) RETURNS JSONB[] LANGUAGE plpgsql AS $$
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
          a := op->'a';${e}
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
      END $$;`}var ke=`
          IF op ? 'd' AND NOT op_applied(p_ops, outcomes, (op->>'d')::INTEGER) THEN
            outcomes := array_append(outcomes, jsonb_build_object('error',
              'not written: the write it depended on did not apply', 'code', 'GLF03'));
            CONTINUE;
          END IF;`,j={version:6,sql:`
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

      ${g("CREATE OR REPLACE",ke)}
    `};var P={version:4,sql:`
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
      ${g("CREATE")}

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
    `};var Y={version:3,sql:`
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
    `};var k=6,J=[{version:1,sql:`
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
    `},{version:2,sql:`
      ALTER TABLE session_inbox
        ADD COLUMN plugin_id TEXT NOT NULL DEFAULT '',
        ADD COLUMN verb TEXT NOT NULL DEFAULT '',
        ADD COLUMN input TEXT NOT NULL DEFAULT 'null',
        ADD COLUMN applied BOOLEAN;
      UPDATE session_inbox
        SET reply = '${b.replaceAll("'","''")}', applied = false, answered_at = posted_at
        WHERE answered_at IS NULL;
      UPDATE session_inbox SET applied = true WHERE applied IS NULL;
      ALTER TABLE session_inbox DROP COLUMN text;
      ALTER TABLE session_inbox ALTER COLUMN plugin_id DROP DEFAULT, ALTER COLUMN verb DROP DEFAULT,
        ALTER COLUMN input DROP DEFAULT;
    `},Y,P,q,j];function R(t,e){if(e instanceof F)return e;let s=e?.code,n=e instanceof Error?e.message:String(e);return s==="28P01"||s==="28000"?new N({message:`${t} refused the login (${n}); check the user and password in the store URL.`,cause:e}):s==="3D000"?new N({message:`${t}: ${n}; create the database or name another in the store URL.`,cause:e}):s==="ECONNREFUSED"||s==="ENOTFOUND"||s==="ETIMEDOUT"||s==="57P01"||s==="57P03"||/timeout|terminat|connection|ECONNRESET/i.test(n)?new N({message:`${t} is not reachable (${s??n}); start it or check the store URL, then retry.`,cause:e}):new N({message:`${t}: ${n}.`,cause:e})}async function Ue(t,e,s){if((await t.query("SELECT to_regclass($1) AS table",[`${e}.goal_lease_schema`])).rows[0]?.table===null)throw new N({message:`${s} has no goal-lease store in schema ${e} yet; run goal-lease run or chat on it first, or pass another --store.`});let{rows:o}=await t.query(`SELECT max(version) AS version FROM ${e}.goal_lease_schema`);K(Number(o[0]?.version??0),e,s)}function K(t,e,s){if(t>k)throw new N({message:`${s} schema ${e} has version ${t}, newer than this goal-lease reads (${k}); upgrade goal-lease or use another schema.`})}async function De(t,e,s){await t.query("SELECT pg_advisory_lock(hashtextextended('goal-lease migrate', 0))");try{await t.query(`CREATE SCHEMA IF NOT EXISTS ${e}`),await t.query(`CREATE TABLE IF NOT EXISTS ${e}.goal_lease_schema (version INTEGER NOT NULL)`);let n=await t.query(`SELECT max(version) AS version FROM ${e}.goal_lease_schema`),o=Number(n.rows[0]?.version??0);K(o,e,s);for(let a of J.filter(i=>i.version>o)){await t.query("BEGIN");try{await t.query(`SET LOCAL search_path TO ${e}`),await t.query(a.sql),await t.query(`INSERT INTO ${e}.goal_lease_schema (version) VALUES ($1)`,[a.version]),await t.query("COMMIT")}catch(i){throw await t.query("ROLLBACK"),i}}}finally{await t.query("SELECT pg_advisory_unlock(hashtextextended('goal-lease migrate', 0))")}}function Q(t){if(!/^[a-z_][a-z0-9_]{0,62}$/.test(t))throw new N({message:`Invalid PostgreSQL schema name ${JSON.stringify(t)}: use 1-63 lower-case letters, digits or "_".`});return t}async function V(t,e,s,n){let o,a=()=>{},i=!1;try{o=await t.connect(),o.on("error",a),await(n.readOnly?Ue:De)(o,e,s)}catch(r){throw i=!0,R(s,r)}finally{o?.off("error",a),o?.release(i)}}var ve="GLF01",Ce="GLF03",y=class{server;#e;#t;#s;constructor(e,s){this.#e=e,this.server=s,this.#t=new w(e)}async query(e,s){try{return await this.#e.query(e,s)}catch(n){throw R(this.server,n)}}async transaction(e){let s;try{s=await this.#e.connect()}catch(n){throw R(this.server,n)}s.on("error",z);try{await s.query("BEGIN");let n=await e(s);return await s.query("COMMIT"),n}catch(n){throw await s.query("ROLLBACK").catch(()=>{}),R(this.server,n)}finally{s.off("error",z),s.release()}}call(e,s,n,o,a=e){let i=this.#s;this.#s=void 0;let r=s?{f:n,a:o,o:s.ownerId,t:s.token}:{f:n,a:o};return this.#t.add(a,r,i).catch(l=>{throw l?.code===Ce?L():R(this.server,Fe(l,e,s))})}write(e,s){if(e===void 0)return s();this.#s=e;try{return s()}finally{this.#s=void 0}}tracked(e,s){this.#s=e;try{return this.#t.track(s)}catch(n){return Promise.reject(n)}finally{this.#s=void 0}}async close(){await this.#t.drained(),await this.#e.end().catch(()=>{})}};function Fe(t,e,s){if(!s||t?.code!==ve)return t;try{B(void 0,e,s)}catch(n){return n}return t}function z(){}var Ge=/[\\"]/,Be=/[\\"]/g;function p(t){let e="{";for(let s=0;s<t.length;s++){let n=t[s];if(s>0&&(e+=","),n==null)e+="NULL";else{let o=String(n);e+=`"${Ge.test(o)?o.replace(Be,"\\$&"):o}"`}}return`${e}}`}import{randomUUID as xe}from"node:crypto";function Z(t){let e=!1,s,n=100,o,a=async()=>{if(e)return;let{default:i}=await import("./esm-PMOD3JFC.js"),r=new i.Client({connectionString:t.url}),l=!1,E=()=>{l||(l=!0,r.removeAllListeners(),r.on("error",()=>{}),r.end().catch(()=>{}),s===r&&(s=void 0),!e&&(o=setTimeout(()=>{a()},n),o.unref(),n=Math.min(n*2,5e3)))};r.on("error",E),r.on("end",()=>{!e&&s===r&&E()}),r.on("notification",d=>{d.channel===t.channel&&d.payload&&t.listener(d.payload)});try{if(await r.connect(),await r.query(`LISTEN ${t.channel}`),e){await r.end();return}s=r,n=100;for(let d of new Set(await t.missed()))t.listener(d)}catch{E()}};return a(),()=>{e=!0,clearTimeout(o),s?.end().catch(()=>{}),s=void 0}}var ee="goal_lease_inbox";async function se(t,e){let s={...e,id:xe()},{rows:n}=await t.query(`WITH posted AS (
       INSERT INTO session_inbox (id, session_key, plugin_id, verb, input, sender_id, sender_is_owner, posted_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8
       WHERE (SELECT count(*) FROM session_inbox WHERE session_key = $2 AND answered_at IS NULL) < $9
       RETURNING session_key
     ) SELECT pg_notify('${ee}', session_key) FROM posted`,[s.id,s.sessionKey,s.pluginId,s.verb,JSON.stringify(s.input),s.sender.id,s.sender.isOwner,s.postedAt,m.maxPending]);if(n.length===0)throw H(s.sessionKey);return s}async function U(t,e){let{rows:s}=await t.query("SELECT * FROM session_inbox WHERE id = $1",[e]);return s[0]?I(s[0]):void 0}async function D(t){let{rows:e}=await t.query("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at");return e.map(I)}function ne(t,e,s){return Z({url:e,channel:ee,listener:s,missed:async()=>(await D(t)).map(n=>n.sessionKey)})}async function te(t,e,s,n){let o=await U(t,e);return o?(await t.call(o.sessionKey,n,"answer_command",[e,s.reply,s.applied,s.at,m.keepAnsweredMs]))[0]?.answered===!0:!1}async function ae(t,e,s,n){let a=(await t.call(e.sessionKey,n,"put_lease",[...$(e),s?.key??null,s?.version??0]))[0];return a&&a.conflict_version!==null?{conflict:{version:Number(a.conflict_version)}}:{replaced:a?.replaced?T(a.replaced):void 0}}async function oe(t,e){let{rows:s}=await t.query("SELECT * FROM leases WHERE plugin_id = $1 AND session_key = $2 AND lease_key = $3",[e.pluginId,e.sessionKey,e.leaseKey]);return s[0]?T(s[0]):void 0}async function ie(t,e,s,n){let o=await t.call(e.sessionKey,n,"delete_lease",[e.pluginId,e.sessionKey,e.leaseKey,s??null]);return o[0]?T(o[0]):void 0}async function re(t,e,s){return(await t.call(e,s,"delete_session_leases",[e])).map(T)}async function Ee(t,e,s,n){let o=await t.call(e.sessionKey,n,"claim_lease",[e.pluginId,e.sessionKey,e.leaseKey,s]);return o[0]?T(o[0]):void 0}async function _e(t,e,s,n){await t.call(`lease ${e}`,s,"finish_lease",[e],n??`lease ${e}`)}async function v(t,e){let{rows:s}=await t.query(`SELECT * FROM ${e} ORDER BY due_at`);return s.map(T)}var $e=`o.session_key, o.owner_id, o.token,
  CASE WHEN o.released THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;async function le(t,e,s,n){let{rows:o}=await t.query("SELECT * FROM acquire_sessions($1, $2, $3, $4)",[s,e,n.now,n.ttlMs]);return o.map((a,i)=>{let r=e[i],l=()=>({sessionKey:r,ownerId:String(a.current_owner),token:Number(a.current_token),expiresAt:Number(a.current_expires)});if(a.held)return{status:"held",owner:l()};let E={ownerId:s,token:Number(a.new_token)};return a.previous?{status:"acquired",fence:E,previous:l()}:{status:"acquired",fence:E}})}async function Te(t,e,s){let{rows:n}=await t.query(`WITH alive AS (
       INSERT INTO hosts (owner_id, expires_at) VALUES ($1, $2)
       ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at
     ) SELECT session_key FROM session_owners WHERE owner_id = $1 AND NOT released`,[e,s.now+s.ttlMs]);return n.map(o=>String(o.session_key))}function pe(t,e,s){return t.transaction(async n=>{if(!s){await n.query("UPDATE session_owners SET released = true WHERE owner_id = $1",[e]),await n.query("DELETE FROM hosts WHERE owner_id = $1",[e]);return}await n.query("UPDATE session_owners SET released = true WHERE owner_id = $1 AND session_key = ANY($2)",[e,s])})}async function Ne(t){return(await t.query(`SELECT ${$e}`)).rows.map(M)}async function de(t,e){let{rows:s}=await t.query(`SELECT session_key FROM (
       SELECT session_key FROM leases
       UNION SELECT session_key FROM started_leases
       UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
     ) AS work
     WHERE NOT EXISTS (
       SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
       WHERE o.session_key = work.session_key AND NOT o.released AND h.expires_at > $1
     )`,[e]);return s.map(n=>String(n.session_key))}var C=t=>String(t.session_key),h=class{sessions;leases;startedLeases;pendingCommands;states;transcripts;constructor(e){this.sessions=new c(async n=>{let{rows:o}=await e.query("SELECT * FROM sessions WHERE session_key = ANY($1)",[n]);return u(n,o,C).map(a=>a[0]?S(a[0]):void 0)});let s=n=>new c(async o=>{let{rows:a}=await e.query(`SELECT * FROM ${n} WHERE session_key = ANY($1) ORDER BY due_at`,[o]);return u(o,a,C).map(i=>i.map(T))});this.leases=s("leases"),this.startedLeases=s("started_leases"),this.pendingCommands=new c(async n=>{let{rows:o}=await e.query("SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = ANY($1) ORDER BY posted_at",[n]);return u(n,o,C).map(a=>a.map(I))}),this.states=new c(async n=>{let{rows:o}=await e.query(`SELECT q.n, s.value, s.version FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS q(p, c, k, n)
         JOIN plugin_state AS s ON s.plugin_id = q.p AND s.scope = q.c AND s.key = q.k`,[n.map(a=>a.pluginId),n.map(a=>a.scope),n.map(a=>a.key)]);return u(ce(n),o,ue).map(a=>a[0]?A(a[0]):void 0)}),this.transcripts=new c(async n=>{let{rows:o}=await e.query(`SELECT q.n, t.* FROM unnest($1::text[], $2::integer[], $3::integer[]) WITH ORDINALITY AS q(k, g, l, n)
         CROSS JOIN LATERAL (
           SELECT * FROM transcript AS e WHERE e.session_key = q.k AND e.generation = q.g ORDER BY e.id DESC LIMIT q.l
         ) AS t
         ORDER BY q.n, t.id DESC`,[n.map(a=>a.sessionKey),n.map(a=>a.generation),n.map(a=>Math.max(0,a.limit))]);return u(ce(n),o,ue).map(a=>a.reverse().map(X))})}};function ce(t){return t.map((e,s)=>s+1)}function ue(t){return Number(t.n)}async function Re(t,e,s){await t.call(e.sessionKey,s,"put_session",[e.sessionKey,e.agentId,e.channel,e.generation,e.createdAt,e.closedAt??null])}async function Ie(t,e){let{rows:s}=await t.query(`SELECT * FROM sessions${e?" ORDER BY created_at, session_key":""}`);return s.map(S)}async function Le(t,e,s,n){let{pluginId:o,scope:a,key:i,json:r}=e,E=(await t.call(a,n.fence,"write_state",[o,a,i,r,s,n.log?p(n.log.map(ye=>JSON.stringify(ye))):null]))[0];return E&&E.written!==null?{status:"written",version:Number(E.written)}:{status:"conflict",current:E?A({value:E.current_value??null,version:E.current_version??null}):void 0}}async function Oe(t,e,s){let{pluginId:n,scope:o,key:a}=e;return(await t.call(o,s,"delete_state",[n,o,a]))[0]?.deleted===!0}async function Se(t,e,s,n){s.length!==0&&await t.call(e.scope,n,"append_log",[e.pluginId,e.scope,e.key,p(s.map(o=>JSON.stringify(o)))])}async function Ae(t,e,s){let{rows:n}=await t.query(`SELECT value FROM plugin_log WHERE plugin_id = $1 AND scope = $2 AND key = $3
     ORDER BY id DESC LIMIT $4`,[e.pluginId,e.scope,e.key,Math.max(0,Math.min(s,x))]);return n.reverse().map(o=>JSON.parse(String(o.value)))}async function we(t,e,s,n){s.length!==0&&await t.call(e,n,"append_transcript",[e,p(s.map(o=>o.generation)),p(s.map(o=>o.turnId)),p(s.map(o=>o.at)),p(s.map(o=>o.leaseId??null)),p(s.map(o=>JSON.stringify(o.message)))])}var ge=class t{#e;#t;#s=new Map;#n;constructor(e,s){if(e===void 0)throw new G({message:"Open a store with await PostgresStore.open(url), not new PostgresStore(...)."});this.#e=new y(e,f(s)),this.#n=new h(this.#e),this.#t=s}static async open(e,s={}){let n=Q(s.schema??"goal_lease"),{default:o}=await import("./esm-PMOD3JFC.js"),a=new o.Pool({connectionString:e,max:s.maxConnections??10,connectionTimeoutMillis:s.connectTimeoutMs??5e3,options:`-c search_path=${n}`});a.on("error",()=>{});try{await V(a,n,f(e),s)}catch(i){throw await a.end().catch(()=>{}),i}return new t(a,e)}async getSession(e){return this.#n.sessions.one(e)}async putSession(e,s){return this.#e.write(s?.after,()=>Re(this.#e,e,_(e.sessionKey,s)))}async listSessions(e){return Ie(this.#e,e?.ordered??!0)}async acquireSessions(e,s,n){return le(this.#e,e,s,n)}async renewSessions(e,s){return Te(this.#e,e,s)}async releaseSessions(e,s){return pe(this.#e,e,s)}async listOwners(){return Ne(this.#e)}async listOrphanedSessions(e){return de(this.#e,e)}async postCommand(e){return se(this.#e,e)}async getCommand(e){return U(this.#e,e)}async listPendingCommands(e){return e===void 0?D(this.#e):this.#n.pendingCommands.one(e)}watchCommands(e){return ne(this.#e,this.#t,e)}async answerCommand(e,s,n){return await O(n?.after),te(this.#e,e,s,_(`command ${e}`,n))}async appendTranscript(e,s,n){return this.#e.write(n?.after,()=>we(this.#e,e,s,_(e,n)))}async readTranscript(e,s){return this.#n.transcripts.one({sessionKey:e,...s})}async readState(e,s,n){return this.#n.states.one({pluginId:e,scope:s,key:n})}writeState(e,s,n,o,a,i){let r=i?.json??JSON.stringify(o);return this.#e.tracked(i?.after,()=>Le(this.#e,{pluginId:e,scope:s,key:n,json:r},a,{fence:_(s,i),log:i?.log}))}async deleteState(e,s,n,o){return this.#e.write(o?.after,()=>Oe(this.#e,{pluginId:e,scope:s,key:n},_(s,o)))}async appendLog(e,s,n,o,a){return this.#e.write(a?.after,()=>Se(this.#e,{pluginId:e,scope:s,key:n},o,_(s,a)))}async readLog(e,s,n,o){return Ae(this.#e,{pluginId:e,scope:s,key:n},o.limit)}async putLease(e,s){return this.#e.write(s?.after,()=>ae(this.#e,e,s?.ifState,_(e.sessionKey,s)))}async getLease(e){return oe(this.#e,e)}async deleteLease(e,s,n){return this.#e.write(n?.after,()=>ie(this.#e,e,s,_(e.sessionKey,n)))}async deleteSessionLeases(e,s){return this.#e.write(s?.after,()=>re(this.#e,e,_(e,s)))}async listLeases(e){return e===void 0?v(this.#e,"leases"):this.#n.leases.one(e)}claimLease(e,s,n){return this.#e.tracked(n?.after,async()=>{let o=await Ee(this.#e,e,s,_(e.sessionKey,n));return o&&this.#s.set(s,o.sessionKey),o})}async finishLease(e,s){let n=this.#s.get(e);return this.#s.delete(e),this.#e.write(s?.after,()=>_e(this.#e,e,_(`lease ${e}`,s),n))}async listStartedLeases(e){return e===void 0?v(this.#e,"started_leases"):this.#n.startedLeases.one(e)}async close(){await this.#e.close()}};export{ge as PostgresStore};
