import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as L}from"./chunk-67KFLYIG.js";import{a as F,b as l,c as O,d as y,e as S,f as w,g as x}from"./chunk-OTGID56C.js";import{a as C,b as k,c as T,d as D,e as I,f as G,g as $}from"./chunk-7TSRPXTV.js";import{a as h,d as U,e as p}from"./chunk-36TI6OSB.js";import"./chunk-FEKFFLDD.js";var d=class{#e;#s=[];#n=!1;#t;constructor(e){this.#e=e}add(e,s){return new Promise((t,a)=>{this.#s.push({lockKey:e,op:s,resolve:t,reject:a}),this.#a()})}async drained(){for(;this.#t||this.#n;)await(this.#t??new Promise(e=>setImmediate(e)))}#a(){this.#t||this.#n||(this.#n=!0,setImmediate(()=>{this.#n=!1,this.#t=this.#o().finally(()=>{this.#t=void 0,this.#s.length>0&&this.#a()})}))}async#o(){for(;this.#s.length>0;){let s=this.#s.splice(0,60).map((a,o)=>({pending:a,index:o})).sort((a,o)=>a.pending.lockKey<o.pending.lockKey?-1:a.pending.lockKey>o.pending.lockKey?1:a.index-o.index).map(({pending:a})=>a),t;try{let{rows:a}=await this.#e.query({name:"goal_lease_apply_batch",text:"SELECT apply_batch($1::jsonb) AS outcomes",values:[JSON.stringify(s.map(o=>o.op))]});t=a[0]?.outcomes}catch(a){for(let o of s)o.reject(a);continue}s.forEach((a,o)=>{let i=t[o];if(i&&"rows"in i)a.resolve(i.rows);else{let r=Object.assign(new Error(i?.error??"no answer for a write in its batch"),{code:i?.code});a.reject(r)}})}}};var B={version:3,sql:`
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
    `};var A=3,M=[{version:1,sql:`
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
        SET reply = '${$.replaceAll("'","''")}', applied = false, answered_at = posted_at
        WHERE answered_at IS NULL;
      UPDATE session_inbox SET applied = true WHERE applied IS NULL;
      ALTER TABLE session_inbox DROP COLUMN text;
      ALTER TABLE session_inbox ALTER COLUMN plugin_id DROP DEFAULT, ALTER COLUMN verb DROP DEFAULT,
        ALTER COLUMN input DROP DEFAULT;
    `},B];function N(n,e){if(e instanceof h)return e;let s=e?.code,t=e instanceof Error?e.message:String(e);return s==="28P01"||s==="28000"?new p({message:`${n} refused the login (${t}); check the user and password in the store URL.`,cause:e}):s==="3D000"?new p({message:`${n}: ${t}; create the database or name another in the store URL.`,cause:e}):s==="ECONNREFUSED"||s==="ENOTFOUND"||s==="ETIMEDOUT"||s==="57P01"||s==="57P03"||/timeout|terminat|connection|ECONNRESET/i.test(t)?new p({message:`${n} is not reachable (${s??t}); start it or check the store URL, then retry.`,cause:e}):new p({message:`${n}: ${t}.`,cause:e})}async function Re(n,e,s){if((await n.query("SELECT to_regclass($1) AS table",[`${e}.goal_lease_schema`])).rows[0]?.table===null)throw new p({message:`${s} has no goal-lease store in schema ${e} yet; run goal-lease run or chat on it first, or pass another --store.`});let{rows:a}=await n.query(`SELECT max(version) AS version FROM ${e}.goal_lease_schema`);X(Number(a[0]?.version??0),e,s)}function X(n,e,s){if(n>A)throw new p({message:`${s} schema ${e} has version ${n}, newer than this goal-lease reads (${A}); upgrade goal-lease or use another schema.`})}async function Le(n,e,s){await n.query("SELECT pg_advisory_lock(hashtextextended('goal-lease migrate', 0))");try{await n.query(`CREATE SCHEMA IF NOT EXISTS ${e}`),await n.query(`CREATE TABLE IF NOT EXISTS ${e}.goal_lease_schema (version INTEGER NOT NULL)`);let t=await n.query(`SELECT max(version) AS version FROM ${e}.goal_lease_schema`),a=Number(t.rows[0]?.version??0);X(a,e,s);for(let o of M.filter(i=>i.version>a)){await n.query("BEGIN");try{await n.query(`SET LOCAL search_path TO ${e}`),await n.query(o.sql),await n.query(`INSERT INTO ${e}.goal_lease_schema (version) VALUES ($1)`,[o.version]),await n.query("COMMIT")}catch(i){throw await n.query("ROLLBACK"),i}}}finally{await n.query("SELECT pg_advisory_unlock(hashtextextended('goal-lease migrate', 0))")}}function v(n){if(!/^[a-z_][a-z0-9_]{0,62}$/.test(n))throw new p({message:`Invalid PostgreSQL schema name ${JSON.stringify(n)}: use 1-63 lower-case letters, digits or "_".`});return n}async function b(n,e,s,t){let a,o=()=>{},i=!1;try{a=await n.connect(),a.on("error",o),await(t.readOnly?Re:Le)(a,e,s)}catch(r){throw i=!0,N(s,r)}finally{a?.off("error",o),a?.release(i)}}var Ie="GLF01",u=class{server;#e;#s;constructor(e,s){this.#e=e,this.server=s,this.#s=new d(e)}async query(e,s){try{return await this.#e.query(e,s)}catch(t){throw N(this.server,t)}}async transaction(e){let s;try{s=await this.#e.connect()}catch(t){throw N(this.server,t)}s.on("error",H);try{await s.query("BEGIN");let t=await e(s);return await s.query("COMMIT"),t}catch(t){throw await s.query("ROLLBACK").catch(()=>{}),N(this.server,t)}finally{s.off("error",H),s.release()}}call(e,s,t,a,o=e){return this.#s.add(o,{f:t,a:[...a,s?.ownerId??null,s?.token??null]}).catch(i=>{throw N(this.server,Oe(i,e,s))})}async close(){await this.#s.drained(),await this.#e.end().catch(()=>{})}};function Oe(n,e,s){if(!s||n?.code!==Ie)return n;try{k(void 0,e,s)}catch(t){return t}return n}function H(){}import{randomUUID as ye}from"node:crypto";function q(n){let e=!1,s,t=100,a,o=async()=>{if(e)return;let{default:i}=await import("./esm-PMOD3JFC.js"),r=new i.Client({connectionString:n.url}),c=!1,E=()=>{c||(c=!0,r.removeAllListeners(),r.on("error",()=>{}),r.end().catch(()=>{}),s===r&&(s=void 0),!e&&(a=setTimeout(()=>{o()},t),a.unref(),t=Math.min(t*2,5e3)))};r.on("error",E),r.on("end",()=>{!e&&s===r&&E()}),r.on("notification",_=>{_.channel===n.channel&&_.payload&&n.listener(_.payload)});try{if(await r.connect(),await r.query(`LISTEN ${n.channel}`),e){await r.end();return}s=r,t=100;for(let _ of new Set(await n.missed()))n.listener(_)}catch{E()}};return o(),()=>{e=!0,clearTimeout(a),s?.end().catch(()=>{}),s=void 0}}var W="goal_lease_inbox";async function P(n,e){let s={...e,id:ye()},{rows:t}=await n.query(`WITH posted AS (
       INSERT INTO session_inbox (id, session_key, plugin_id, verb, input, sender_id, sender_is_owner, posted_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8
       WHERE (SELECT count(*) FROM session_inbox WHERE session_key = $2 AND answered_at IS NULL) < $9
       RETURNING session_key
     ) SELECT pg_notify('${W}', session_key) FROM posted`,[s.id,s.sessionKey,s.pluginId,s.verb,JSON.stringify(s.input),s.sender.id,s.sender.isOwner,s.postedAt,I.maxPending]);if(t.length===0)throw G(s.sessionKey);return s}async function g(n,e){let{rows:s}=await n.query("SELECT * FROM session_inbox WHERE id = $1",[e]);return s[0]?w(s[0]):void 0}async function m(n,e){let{rows:s}=e===void 0?await n.query("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at"):await n.query("SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = $1 ORDER BY posted_at",[e]);return s.map(w)}function Y(n,e,s){return q({url:e,channel:W,listener:s,missed:async()=>(await m(n)).map(t=>t.sessionKey)})}async function j(n,e,s,t){let a=await g(n,e);return a?(await n.call(a.sessionKey,t,"answer_command",[e,s.reply,s.applied,s.at,I.keepAnsweredMs]))[0]?.answered===!0:!1}async function K(n,e,s,t){let o=(await n.call(e.sessionKey,t,"put_lease",[...F(e),s?.key??null,s?.version??0]))[0];return o&&o.conflict_version!==null?{conflict:{version:Number(o.conflict_version)}}:{replaced:o?.replaced?l(o.replaced):void 0}}async function J(n,e){let{rows:s}=await n.query("SELECT * FROM leases WHERE plugin_id = $1 AND session_key = $2 AND lease_key = $3",[e.pluginId,e.sessionKey,e.leaseKey]);return s[0]?l(s[0]):void 0}async function V(n,e,s,t){let a=await n.call(e.sessionKey,t,"delete_lease",[e.pluginId,e.sessionKey,e.leaseKey,s??null]);return a[0]?l(a[0]):void 0}async function Q(n,e,s){return(await n.call(e,s,"delete_session_leases",[e])).map(l)}async function z(n,e,s,t){let a=await n.call(e.sessionKey,t,"claim_lease",[e.pluginId,e.sessionKey,e.leaseKey,s]);return a[0]?l(a[0]):void 0}async function Z(n,e,s,t){await n.call(`lease ${e}`,s,"finish_lease",[e],t??`lease ${e}`)}async function f(n,e,s){let{rows:t}=s===void 0?await n.query(`SELECT * FROM ${e} ORDER BY due_at`):await n.query(`SELECT * FROM ${e} WHERE session_key = $1 ORDER BY due_at`,[s]);return t.map(l)}var ee=`o.session_key, o.owner_id, o.token,
  CASE WHEN o.released THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;function se(n,e,s,t){return n.transaction(async a=>{await Ae(a,s,t),await a.query("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT DISTINCT unnest($1::text[]) AS k ORDER BY 1) AS keys",[e]);let{rows:o}=await a.query(`SELECT ${ee} WHERE o.session_key = ANY($1)`,[e]),i=new Map(o.map(E=>[String(E.session_key),S(E)])),r=new Map,c=e.map(E=>{let _=C(i.get(E),{sessionKey:E,ownerId:s,now:t.now});if(_.status==="acquired"){r.set(E,_.fence.token);let R=t.now+t.ttlMs;i.set(E,{sessionKey:E,ownerId:s,token:_.fence.token,expiresAt:R})}return _});return r.size>0&&await a.query(`INSERT INTO session_owners (session_key, owner_id, token, released)
         SELECT k, $1, t, false FROM unnest($2::text[], $3::bigint[]) AS taken(k, t)
         ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token, released = false`,[s,[...r.keys()],[...r.values()]]),c})}async function ne(n,e,s){let{rows:t}=await n.query(`WITH alive AS (
       INSERT INTO hosts (owner_id, expires_at) VALUES ($1, $2)
       ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at
     ) SELECT session_key FROM session_owners WHERE owner_id = $1 AND NOT released`,[e,s.now+s.ttlMs]);return t.map(a=>String(a.session_key))}function te(n,e,s){return n.transaction(async t=>{if(!s){await t.query("UPDATE session_owners SET released = true WHERE owner_id = $1",[e]),await t.query("DELETE FROM hosts WHERE owner_id = $1",[e]);return}await t.query("UPDATE session_owners SET released = true WHERE owner_id = $1 AND session_key = ANY($2)",[e,s])})}async function ae(n){return(await n.query(`SELECT ${ee}`)).rows.map(S)}async function oe(n,e){let{rows:s}=await n.query(`SELECT session_key FROM (
       SELECT session_key FROM leases
       UNION SELECT session_key FROM started_leases
       UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
     ) AS work
     WHERE NOT EXISTS (
       SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
       WHERE o.session_key = work.session_key AND NOT o.released AND h.expires_at > $1
     )`,[e]);return s.map(t=>String(t.session_key))}async function Ae(n,e,s){await n.query(`INSERT INTO hosts (owner_id, expires_at) VALUES ($1, $2)
     ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`,[e,s.now+s.ttlMs])}async function ie(n,e){let{rows:s}=await n.query("SELECT * FROM sessions WHERE session_key = $1",[e]);return s[0]?O(s[0]):void 0}async function re(n,e,s){await n.call(e.sessionKey,s,"put_session",[e.sessionKey,e.agentId,e.channel,e.generation,e.createdAt,e.closedAt??null])}async function Ee(n){let{rows:e}=await n.query("SELECT * FROM sessions ORDER BY created_at, session_key");return e.map(O)}async function Te(n,e,s,t){let{rows:a}=await n.query("SELECT value, version FROM plugin_state WHERE plugin_id = $1 AND scope = $2 AND key = $3",[e,s,t]);return a[0]?y(a[0]):void 0}async function _e(n,e,s,t){let{pluginId:a,scope:o,key:i,value:r}=e,E=(await n.call(o,t.fence,"write_state",[a,o,i,JSON.stringify(r),s,t.log?.map(R=>JSON.stringify(R))??null]))[0];return E&&E.written!==null?{status:"written",version:Number(E.written)}:{status:"conflict",current:E?y({value:E.current_value??null,version:E.current_version??null}):void 0}}async function pe(n,e,s){let{pluginId:t,scope:a,key:o}=e;return(await n.call(a,s,"delete_state",[t,a,o]))[0]?.deleted===!0}async function le(n,e,s,t){s.length!==0&&await n.call(e.scope,t,"append_log",[e.pluginId,e.scope,e.key,s.map(a=>JSON.stringify(a))])}async function Ne(n,e,s){let{rows:t}=await n.query(`SELECT value FROM plugin_log WHERE plugin_id = $1 AND scope = $2 AND key = $3
     ORDER BY id DESC LIMIT $4`,[e.pluginId,e.scope,e.key,Math.max(0,Math.min(s,D))]);return t.reverse().map(a=>JSON.parse(String(a.value)))}async function ce(n,e,s,t){s.length!==0&&await n.call(e,t,"append_transcript",[e,s.map(a=>a.generation),s.map(a=>a.turnId),s.map(a=>a.at),s.map(a=>a.leaseId??null),s.map(a=>JSON.stringify(a.message))])}async function de(n,e,s){let{rows:t}=await n.query("SELECT * FROM transcript WHERE session_key = $1 AND generation = $2 ORDER BY id DESC LIMIT $3",[e,s.generation,Math.max(0,s.limit)]);return t.reverse().map(x)}var ue=class n{#e;#s;#n=new Map;constructor(e,s){if(e===void 0)throw new U({message:"Open a store with await PostgresStore.open(url), not new PostgresStore(...)."});this.#e=new u(e,L(s)),this.#s=s}static async open(e,s={}){let t=v(s.schema??"goal_lease"),{default:a}=await import("./esm-PMOD3JFC.js"),o=new a.Pool({connectionString:e,max:s.maxConnections??10,connectionTimeoutMillis:s.connectTimeoutMs??5e3,options:`-c search_path=${t}`});o.on("error",()=>{});try{await b(o,t,L(e),s)}catch(i){throw await o.end().catch(()=>{}),i}return new n(o,e)}async getSession(e){return ie(this.#e,e)}async putSession(e,s){return re(this.#e,e,T(e.sessionKey,s))}async listSessions(){return Ee(this.#e)}async acquireSessions(e,s,t){return se(this.#e,e,s,t)}async renewSessions(e,s){return ne(this.#e,e,s)}async releaseSessions(e,s){return te(this.#e,e,s)}async listOwners(){return ae(this.#e)}async listOrphanedSessions(e){return oe(this.#e,e)}async postCommand(e){return P(this.#e,e)}async getCommand(e){return g(this.#e,e)}async listPendingCommands(e){return m(this.#e,e)}watchCommands(e){return Y(this.#e,this.#s,e)}async answerCommand(e,s,t){return j(this.#e,e,s,T(`command ${e}`,t))}async appendTranscript(e,s,t){return ce(this.#e,e,s,T(e,t))}async readTranscript(e,s){return de(this.#e,e,s)}async readState(e,s,t){return Te(this.#e,e,s,t)}async writeState(e,s,t,a,o,i){return _e(this.#e,{pluginId:e,scope:s,key:t,value:a},o,{fence:T(s,i),log:i?.log})}async deleteState(e,s,t,a){return pe(this.#e,{pluginId:e,scope:s,key:t},T(s,a))}async appendLog(e,s,t,a,o){return le(this.#e,{pluginId:e,scope:s,key:t},a,T(s,o))}async readLog(e,s,t,a){return Ne(this.#e,{pluginId:e,scope:s,key:t},a.limit)}async putLease(e,s){return K(this.#e,e,s?.ifState,T(e.sessionKey,s))}async getLease(e){return J(this.#e,e)}async deleteLease(e,s,t){return V(this.#e,e,s,T(e.sessionKey,t))}async deleteSessionLeases(e,s){return Q(this.#e,e,T(e,s))}async listLeases(e){return f(this.#e,"leases",e)}async claimLease(e,s,t){let a=await z(this.#e,e,s,T(e.sessionKey,t));return a&&this.#n.set(s,a.sessionKey),a}async finishLease(e,s){let t=this.#n.get(e);return this.#n.delete(e),Z(this.#e,e,T(`lease ${e}`,s),t)}async listStartedLeases(e){return f(this.#e,"started_leases",e)}async close(){await this.#e.close()}};export{ue as PostgresStore};
