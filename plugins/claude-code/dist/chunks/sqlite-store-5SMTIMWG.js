import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as m,b as T,c as R,d as v,e as g,f as O,g as X}from"./chunk-OTGID56C.js";import{a as U,b as M,c as b,d as h,e as f,f as D,g as F}from"./chunk-7TSRPXTV.js";import{a as k,d as C,e as E}from"./chunk-36TI6OSB.js";import"./chunk-FEKFFLDD.js";import{statSync as S}from"node:fs";var p=class{#s;#i;#o;#e;constructor(e,s){this.#s=e,this.#i=s.beforeBegin,this.#o=s.failure}settled(e){return this.#e?this.#e.committed.then(()=>e):e}join(){if(this.#e)return this.#e.committed;this.#i(),this.#s.exec("BEGIN IMMEDIATE");let e,s=new Promise((n,i)=>{e=o=>o===void 0?n():i(o)});return s.catch(()=>{}),this.#e={committed:s,settle:e},setImmediate(()=>this.commit()),s}abandon(e){let s=this.#e;this.#e=void 0,s?.settle(this.#o(e))}commit(){let e=this.#e;if(e){this.#e=void 0;try{this.#s.exec("COMMIT"),e.settle()}catch(s){this.#s.isOpen&&this.#s.isTransaction&&this.#s.exec("ROLLBACK"),e.settle(this.#o(s))}}}};var N=new Map,L=class t{path;db;group;#s=new Map;#i;#o;#e=1;constructor(e,s,n){this.path=e,this.db=s,this.#o=n,this.#i=e===":memory:"?void 0:S(e),this.group=new p(s,{beforeBegin:()=>this.#n(),failure:i=>this.failure(i)})}static acquire(e,s,n){let i=s?S(e,{throwIfNoEntry:!1}):void 0,o=i?`${i.dev}:${i.ino}`:void 0,r=o===void 0?void 0:N.get(o);if(r?.db.isOpen)return r.#e++,r;let a=new t(e,n(),o);return o!==void 0&&N.set(o,a),a}statement(e){let s=this.#s.get(e);return s||(s=this.db.prepare(e),this.#s.set(e,s)),s}write(e){let s=this.group.join();this.db.exec("SAVEPOINT write");try{let n=e();return this.db.exec("RELEASE write"),s.then(()=>n)}catch(n){throw this.db.isTransaction?(this.db.exec("ROLLBACK TO write"),this.db.exec("RELEASE write")):this.group.abandon(n),n}}release(){this.group.commit(),!(--this.#e>0)&&(this.#o!==void 0&&N.get(this.#o)===this&&N.delete(this.#o),this.db.isOpen&&this.db.close())}failure(e){if(e instanceof k)return e;let s=e instanceof Error?e.message:String(e),n=/full/i.test(s)?"free disk space and retry":/locked|busy/i.test(s)?"another process holds the file; retry or stop it":"check the file and its permissions";return new E({message:`${this.path}: ${s} (${n}).`,cause:e})}#n(){if(!this.#i)return;let e=S(this.path,{throwIfNoEntry:!1});if(e?.ino!==this.#i.ino||e.dev!==this.#i.dev)throw new E({message:`${this.path} was deleted or replaced while goal-lease had it open; nothing was written: stop goal-lease and start it again.`})}};import{randomUUID as _e}from"node:crypto";function H(t,e){let{count:s}=t("SELECT count(*) AS count FROM session_inbox WHERE session_key = ? AND answered_at IS NULL").get(e.sessionKey);if(Number(s)>=f.maxPending)throw D(e.sessionKey);let n={...e,id:_e()};return t(`INSERT INTO session_inbox (id, session_key, plugin_id, verb, input, sender_id, sender_is_owner, posted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(n.id,n.sessionKey,n.pluginId,n.verb,JSON.stringify(n.input),n.sender.id,n.sender.isOwner?1:0,n.postedAt),n}function w(t,e){let s=t("SELECT * FROM session_inbox WHERE id = ?").get(e);return s?O(s):void 0}function W(t,e){return(e===void 0?t("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at").all():t("SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = ? ORDER BY posted_at").all(e)).map(O)}function G(t,e,s){let n=t("UPDATE session_inbox SET reply = ?, applied = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL").run(s.reply,s.applied?1:0,s.at,e);return t(`DELETE FROM session_inbox WHERE answered_at < ?
       AND session_key = (SELECT session_key FROM session_inbox WHERE id = ?)`).run(s.at-f.keepAnsweredMs,e),Number(n.changes)>0}var P=`o.session_key, o.owner_id, o.token,
  CASE WHEN o.released = 1 THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;function $(t,e,s){t(`INSERT INTO hosts (owner_id, expires_at) VALUES (?, ?)
     ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`).run(e,s.now+s.ttlMs)}function B(t,e,s,n){$(t,s,n);let i=JSON.stringify(e),o=new Map(t(`SELECT ${P} WHERE o.session_key IN (SELECT value FROM json_each(?))`).all(i).map(g).map(d=>[d.sessionKey,d])),r=e.map(d=>U(o.get(d),{sessionKey:d,ownerId:s,now:n.now})),a=e.flatMap((d,c)=>{let x=r[c];return x?.status==="acquired"?[[d,x.fence.token]]:[]});return a.length>0&&t(`INSERT INTO session_owners (session_key, owner_id, token, released)
       SELECT value ->> 0, ?, value ->> 1, 0 FROM json_each(?) WHERE true
       ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token, released = 0`).run(s,JSON.stringify(a)),r}function Y(t,e,s){return $(t,e,s),t("SELECT session_key FROM session_owners WHERE owner_id = ? AND released = 0").all(e).map(i=>String(i.session_key))}function K(t,e,s){if(!s){t("UPDATE session_owners SET released = 1 WHERE owner_id = ?").run(e),t("DELETE FROM hosts WHERE owner_id = ?").run(e);return}let n=t("UPDATE session_owners SET released = 1 WHERE owner_id = ? AND session_key = ?");for(let i of s)n.run(e,i)}function V(t){return t(`SELECT ${P}`).all().map(g)}function j(t,e){return t(`SELECT session_key FROM (
       SELECT session_key FROM leases
       UNION SELECT session_key FROM started_leases
       UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
     ) AS work
     WHERE NOT EXISTS (
       SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
       WHERE o.session_key = work.session_key AND o.released = 0 AND h.expires_at > ?
     )`).all(e).map(n=>String(n.session_key))}function u(t,e,s){let n=b(e,s);if(!n)return;let i=t("SELECT owner_id, token FROM session_owners WHERE session_key = ?").get(e),o=i&&{sessionKey:e,ownerId:String(i.owner_id),token:Number(i.token),expiresAt:0};M(o,e,n)}function l(t,e){let s=t("SELECT * FROM leases WHERE plugin_id = ? AND session_key = ? AND lease_key = ?").get(e.pluginId,e.sessionKey,e.leaseKey);return s?T(s):void 0}function J(t,e,s){if(s){let i=t("SELECT version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").get(e.pluginId,e.sessionKey,s.key),o=i?Number(i.version):0;if(o!==s.version)return{conflict:{version:o}}}let n=l(t,e);return t(`INSERT OR REPLACE INTO leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...m(e)),{replaced:n}}function q(t,e,s){let n=l(t,e);if(!(!n||s!==void 0&&n.id!==s))return t("DELETE FROM leases WHERE id = ?").run(n.id),n}function z(t,e){let s=t("SELECT * FROM leases WHERE session_key = ?").all(e);return t("DELETE FROM leases WHERE session_key = ?").run(e),s.map(T)}function Q(t,e,s){let n=l(t,e);if(n?.id===s)return t("DELETE FROM leases WHERE id = ?").run(s),t(`INSERT INTO started_leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...m(n)),n}function Z(t,e,s){let n=t("SELECT session_key FROM started_leases WHERE id = ?").get(e);n&&(u(t,String(n.session_key),s),t("DELETE FROM started_leases WHERE id = ?").run(e))}function y(t,e,s){return(s===void 0?t(`SELECT * FROM ${e} ORDER BY due_at`).all():t(`SELECT * FROM ${e} WHERE session_key = ? ORDER BY due_at`).all(s)).map(T)}import{mkdirSync as Re,statSync as se,writeFileSync as ge}from"node:fs";import{dirname as Oe}from"node:path";var _=4,ee=[{version:1,sql:`
      CREATE TABLE sessions (
        session_key TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        generation INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        closed_at INTEGER
      ) STRICT;
      CREATE TABLE transcript (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_key TEXT NOT NULL,
        generation INTEGER NOT NULL,
        turn_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        lease_id TEXT,
        message TEXT NOT NULL
      ) STRICT;
      CREATE INDEX transcript_by_session ON transcript (session_key, generation, id);
      CREATE TABLE plugin_state (
        plugin_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (plugin_id, scope, key)
      ) STRICT;
      CREATE TABLE leases (
        plugin_id TEXT NOT NULL,
        session_key TEXT NOT NULL,
        lease_key TEXT NOT NULL,
        id TEXT NOT NULL UNIQUE,
        message TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        PRIMARY KEY (plugin_id, session_key, lease_key)
      ) STRICT;
      CREATE TABLE started_leases (
        id TEXT PRIMARY KEY,
        plugin_id TEXT NOT NULL,
        session_key TEXT NOT NULL,
        lease_key TEXT NOT NULL,
        message TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        generation INTEGER NOT NULL
      ) STRICT;
    `},{version:2,sql:`
      CREATE TABLE hosts (
        owner_id TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE session_owners (
        session_key TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        token INTEGER NOT NULL,
        released INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX session_owners_by_owner ON session_owners (owner_id);
      CREATE TABLE session_inbox (
        id TEXT PRIMARY KEY,
        session_key TEXT NOT NULL,
        text TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        sender_is_owner INTEGER NOT NULL,
        posted_at INTEGER NOT NULL,
        reply TEXT,
        answered_at INTEGER
      ) STRICT;
      CREATE INDEX session_inbox_pending ON session_inbox (posted_at) WHERE answered_at IS NULL;
      CREATE INDEX leases_by_session ON leases (session_key);
      CREATE INDEX started_leases_by_session ON started_leases (session_key);
    `},{version:3,sql:`
      CREATE TABLE plugin_log (
        plugin_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (plugin_id, scope, key, seq)
      ) STRICT, WITHOUT ROWID;
    `},{version:4,sql:`
      CREATE TABLE session_inbox_v4 (
        id TEXT PRIMARY KEY,
        session_key TEXT NOT NULL,
        plugin_id TEXT NOT NULL,
        verb TEXT NOT NULL,
        input TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        sender_is_owner INTEGER NOT NULL,
        posted_at INTEGER NOT NULL,
        reply TEXT,
        applied INTEGER,
        answered_at INTEGER
      ) STRICT;
      INSERT INTO session_inbox_v4
        SELECT id, session_key, '', '', 'null', sender_id, sender_is_owner, posted_at,
               coalesce(reply, '${F.replaceAll("'","''")}'),
               CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END,
               coalesce(answered_at, posted_at)
        FROM session_inbox;
      DROP TABLE session_inbox;
      ALTER TABLE session_inbox_v4 RENAME TO session_inbox;
      CREATE INDEX session_inbox_pending ON session_inbox (posted_at) WHERE answered_at IS NULL;
    `}];function te(t){let e=Oe(t);try{if(Re(e,{recursive:!0,mode:448}),!se(e).isDirectory())throw Object.assign(new Error("not a folder"),{code:"ENOTDIR"});ge(t,"",{flag:"wx",mode:384})}catch(s){let n=s.code;if(n==="EEXIST"&&se(e,{throwIfNoEntry:!1})?.isDirectory())return;throw new E({message:`${t} cannot be created (${n??s.message}): its folder is missing, not a folder, or not writable; pass another store path.`,cause:s})}}function ne(t,e){if(e.readOnly)return Se(t,e);let s;try{s=new(ie()).DatabaseSync(t),s.exec(`PRAGMA busy_timeout = ${Math.max(0,Math.floor(e.busyTimeoutMs??5e3))}`);let n=oe(s,t);if(s.exec("PRAGMA journal_mode = WAL"),s.exec(`PRAGMA synchronous = ${e.synchronous==="full"?"FULL":"NORMAL"}`),n<_&&we(s,n),e.maxSizeBytes!==void 0){let{page_size:i}=s.prepare("PRAGMA page_size").get();s.exec(`PRAGMA max_page_count = ${Math.max(1,Math.floor(e.maxSizeBytes/i))}`)}return s}catch(n){throw s?.isOpen&&s.close(),re(t,n)}}function ie(){let t=process.getBuiltinModule?.("node:sqlite");if(!t)throw new E({message:`SQLite stores need Node.js 22.13 or newer (node:sqlite) and this is Node.js ${process.versions.node}; upgrade Node.js or use MemoryStore.`});return t}function Se(t,e){let{DatabaseSync:s}=ie(),n=[t,`file:${encodeURI(t)}?immutable=1`];for(let[i,o]of n.entries()){let r;try{return r=new s(o,{readOnly:!0}),r.exec(`PRAGMA busy_timeout = ${Math.max(0,Math.floor(e.busyTimeoutMs??5e3))}`),oe(r,t),r}catch(a){if(r?.isOpen&&r.close(),!/unable to open|readonly|read-only|cannot open/i.test(a.message)||i===n.length-1)throw re(t,a)}}throw new E({message:`${t} could not be opened to read.`})}function oe(t,e){let s=Number(t.prepare("PRAGMA user_version").get().user_version);if(s>_)throw new E({message:`${e} has schema version ${s}, newer than this goal-lease reads (${_}); upgrade goal-lease or use another store file.`});let n=t.prepare("SELECT count(*) AS count FROM sqlite_master").get();if(s===0&&Number(n.count)>0)throw new E({message:`${e} is an SQLite database but not a goal-lease store; use another store file.`});return s}function we(t,e){t.exec("BEGIN IMMEDIATE");try{for(let s of ee)s.version<=e||(t.exec(s.sql),t.exec(`PRAGMA user_version = ${s.version}`));t.exec("COMMIT")}catch(s){throw t.isTransaction&&t.exec("ROLLBACK"),s}}function re(t,e){if(e instanceof E)return e;let s=e instanceof Error?e.message:String(e);return/not a database|malformed|corrupt/i.test(s)?new E({message:`${t} is not a readable goal-lease store (${s}); it was left untouched: move it aside or restore a backup.`,cause:e}):/locked|busy/i.test(s)?new E({message:`${t} is locked by another process (${s}); stop it or use another store file.`,cause:e}):new E({message:`${t} could not be opened (${s}); check the path and its permissions.`,cause:e})}function ae(t,e){let s=t("SELECT * FROM sessions WHERE session_key = ?").get(e);return s?R(s):void 0}function Ee(t,e){t(`INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
       generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at`).run(e.sessionKey,e.agentId,e.channel,e.generation,e.createdAt,e.closedAt??null)}function de(t){return t("SELECT * FROM sessions ORDER BY created_at, session_key").all().map(R)}function A(t,e,s,n){let i=t("SELECT value, version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").get(e,s,n);return i?v(i):void 0}function ce(t,e,s){let{pluginId:n,scope:i,key:o,value:r}=e,a=A(t,n,i,o);return(a?.version??0)!==s?{status:"conflict",current:a}:(t(`INSERT INTO plugin_state (plugin_id, scope, key, value, version) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (plugin_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version`).run(n,i,o,JSON.stringify(r),s+1),{status:"written",version:s+1})}function ue(t,e,s,n){let i=t("DELETE FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").run(e,s,n);return Number(i.changes)>0}function I(t,e,s){if(s.length===0)return;let{pluginId:n,scope:i,key:o}=e,r=t("SELECT max(seq) AS seq FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?").get(n,i,o),a=Number(r?.seq??0),d=t("INSERT INTO plugin_log (plugin_id, scope, key, seq, value) VALUES (?, ?, ?, ?, ?)");for(let c of s)d.run(n,i,o,++a,JSON.stringify(c));a>h&&t("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? AND seq <= ?").run(n,i,o,a-h)}function le(t,e,s){return t("SELECT value FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? ORDER BY seq DESC LIMIT ?").all(e.pluginId,e.scope,e.key,Math.max(0,s)).reverse().map(i=>JSON.parse(i.value))}function Te(t,e){t("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?").run(e.pluginId,e.scope,e.key)}function pe(t,e,s){let n=t("INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message) VALUES (?, ?, ?, ?, ?, ?)");for(let i of s){let{generation:o,turnId:r,at:a,leaseId:d,message:c}=i;n.run(e,o,r,a,d??null,JSON.stringify(c))}}function Ne(t,e,s){return t("SELECT * FROM transcript WHERE session_key = ? AND generation = ? ORDER BY id DESC LIMIT ?").all(e,s.generation,s.limit).reverse().map(X)}var Le=class t{path;#s;#i=!1;constructor(e,s){if(typeof e!="string"||s===void 0)throw new C({message:"Open a store with SqliteStore.open(path), not new SqliteStore(...)."});this.path=e,this.#s=s}static open(e,s={}){let n=e!==":memory:"&&!s.readOnly;return n&&te(e),new t(e,L.acquire(e,n,()=>ne(e,s)))}async getSession(e){return this.#n(()=>ae(this.#e,e))}async putSession(e,s){await this.#t(e.sessionKey,s,()=>Ee(this.#e,e))}async listSessions(){return this.#n(()=>de(this.#e))}async acquireSessions(e,s,n){return this.#t(void 0,void 0,()=>B(this.#e,e,s,n))}async renewSessions(e,s){return this.#t(void 0,void 0,()=>Y(this.#e,e,s))}async releaseSessions(e,s){await this.#t(void 0,void 0,()=>K(this.#e,e,s))}async listOwners(){return this.#n(()=>V(this.#e))}async listOrphanedSessions(e){return this.#n(()=>j(this.#e,e))}async postCommand(e){return this.#t(void 0,void 0,()=>H(this.#e,e))}async getCommand(e){return this.#n(()=>w(this.#e,e))}async listPendingCommands(e){return this.#n(()=>W(this.#e,e))}async answerCommand(e,s,n){return this.#t(void 0,void 0,()=>{let i=w(this.#e,e);return i?(u(this.#e,i.sessionKey,n),G(this.#e,e,s)):!1})}async appendTranscript(e,s,n){await this.#t(e,n,()=>pe(this.#e,e,s))}async readTranscript(e,s){return this.#n(()=>Ne(this.#e,e,s))}async readState(e,s,n){return this.#n(()=>A(this.#e,e,s,n))}async writeState(e,s,n,i,o,r){return this.#t(s,r,()=>{let a=ce(this.#e,{pluginId:e,scope:s,key:n,value:i},o);return a.status==="written"&&r?.log&&I(this.#e,{pluginId:e,scope:s,key:n},r.log),a})}async deleteState(e,s,n,i){return this.#t(s,i,()=>(Te(this.#e,{pluginId:e,scope:s,key:n}),ue(this.#e,e,s,n)))}async appendLog(e,s,n,i,o){await this.#t(s,o,()=>I(this.#e,{pluginId:e,scope:s,key:n},i))}async readLog(e,s,n,i){return this.#n(()=>le(this.#e,{pluginId:e,scope:s,key:n},i.limit))}async putLease(e,s){return this.#t(e.sessionKey,s,()=>J(this.#e,e,s?.ifState))}async getLease(e){return this.#n(()=>l(this.#e,e))}async deleteLease(e,s,n){return this.#t(e.sessionKey,n,()=>q(this.#e,e,s))}async deleteSessionLeases(e,s){return this.#t(e,s,()=>z(this.#e,e))}async listLeases(e){return this.#n(()=>y(this.#e,"leases",e))}async claimLease(e,s,n){return this.#t(e.sessionKey,n,()=>Q(this.#e,e,s))}async finishLease(e,s){await this.#t(void 0,void 0,()=>Z(this.#e,e,s))}async listStartedLeases(e){return this.#n(()=>y(this.#e,"started_leases",e))}async close(){this.#i||(this.#i=!0,this.#s.release())}#o(e){if(this.#i||!this.#s.db.isOpen)throw new E({message:`${this.path}: the store is closed; open it again to use it.`});try{return e()}catch(s){throw this.#s.failure(s)}}#e=e=>this.#s.statement(e);#n(e){return this.#s.group.settled(this.#o(e))}#t(e,s,n){return this.#o(()=>this.#s.write(()=>(e!==void 0&&u(this.#e,e,s),n())))}};export{Le as SqliteStore};
