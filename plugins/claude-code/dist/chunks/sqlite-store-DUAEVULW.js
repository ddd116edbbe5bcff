import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as m,b as l,c as R,d as F,e as g,f as O,g as v}from"./chunk-OTGID56C.js";import{a as C,b as U,c as b,d as h,e as f,f as M,g as D}from"./chunk-7TSRPXTV.js";import{a as x,d as k,e as E}from"./chunk-36TI6OSB.js";import"./chunk-FEKFFLDD.js";import{statSync as w}from"node:fs";var T=class{#s;#i;#o;#e;constructor(e,s){this.#s=e,this.#i=s.beforeBegin,this.#o=s.failure}settled(e){return this.#e?this.#e.committed.then(()=>e):e}join(){if(this.#e)return this.#e.committed;this.#i(),this.#s.exec("BEGIN IMMEDIATE");let e,s=new Promise((t,i)=>{e=o=>o===void 0?t():i(o)});return s.catch(()=>{}),this.#e={committed:s,settle:e},setImmediate(()=>this.commit()),s}abandon(e){let s=this.#e;this.#e=void 0,s?.settle(this.#o(e))}commit(){let e=this.#e;if(e){this.#e=void 0;try{this.#s.exec("COMMIT"),e.settle()}catch(s){this.#s.isOpen&&this.#s.isTransaction&&this.#s.exec("ROLLBACK"),e.settle(this.#o(s))}}}};var p=new Map,N=class n{path;db;group;#s=new Map;#i;#o;#e=1;constructor(e,s,t){this.path=e,this.db=s,this.#o=t,this.#i=e===":memory:"?void 0:w(e),this.group=new T(s,{beforeBegin:()=>this.#t(),failure:i=>this.failure(i)})}static acquire(e,s,t){let i=s?w(e,{throwIfNoEntry:!1}):void 0,o=i?`${i.dev}:${i.ino}`:void 0,r=o===void 0?void 0:p.get(o);if(r?.db.isOpen)return r.#e++,r;let a=new n(e,t(),o);return o!==void 0&&p.set(o,a),a}statement(e){let s=this.#s.get(e);return s||(s=this.db.prepare(e),this.#s.set(e,s)),s}write(e){let s=this.group.join();this.db.exec("SAVEPOINT write");try{let t=e();return this.db.exec("RELEASE write"),s.then(()=>t)}catch(t){throw this.db.isTransaction?(this.db.exec("ROLLBACK TO write"),this.db.exec("RELEASE write")):this.group.abandon(t),t}}release(){this.group.commit(),!(--this.#e>0)&&(this.#o!==void 0&&p.get(this.#o)===this&&p.delete(this.#o),this.db.isOpen&&this.db.close())}failure(e){if(e instanceof x)return e;let s=e instanceof Error?e.message:String(e),t=/full/i.test(s)?"free disk space and retry":/locked|busy/i.test(s)?"another process holds the file; retry or stop it":"check the file and its permissions";return new E({message:`${this.path}: ${s} (${t}).`,cause:e})}#t(){if(!this.#i)return;let e=w(this.path,{throwIfNoEntry:!1});if(e?.ino!==this.#i.ino||e.dev!==this.#i.dev)throw new E({message:`${this.path} was deleted or replaced while goal-lease had it open; nothing was written: stop goal-lease and start it again.`})}};import{randomUUID as Le}from"node:crypto";function X(n,e){let{count:s}=n("SELECT count(*) AS count FROM session_inbox WHERE session_key = ? AND answered_at IS NULL").get(e.sessionKey);if(Number(s)>=f.maxPending)throw M(e.sessionKey);let t={...e,id:Le()};return n(`INSERT INTO session_inbox (id, session_key, plugin_id, verb, input, sender_id, sender_is_owner, posted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(t.id,t.sessionKey,t.pluginId,t.verb,JSON.stringify(t.input),t.sender.id,t.sender.isOwner?1:0,t.postedAt),t}function S(n,e){let s=n("SELECT * FROM session_inbox WHERE id = ?").get(e);return s?O(s):void 0}function H(n,e){return(e===void 0?n("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at").all():n("SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = ? ORDER BY posted_at").all(e)).map(O)}function W(n,e,s){let t=n("UPDATE session_inbox SET reply = ?, applied = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL").run(s.reply,s.applied?1:0,s.at,e);return n(`DELETE FROM session_inbox WHERE answered_at < ?
       AND session_key = (SELECT session_key FROM session_inbox WHERE id = ?)`).run(s.at-f.keepAnsweredMs,e),Number(t.changes)>0}var G=`o.session_key, o.owner_id, o.token,
  CASE WHEN o.released = 1 THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;function he(n,e){let s=n(`SELECT ${G} WHERE o.session_key = ?`).get(e);return s?g(s):void 0}function P(n,e,s){n(`INSERT INTO hosts (owner_id, expires_at) VALUES (?, ?)
     ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`).run(e,s.now+s.ttlMs)}function $(n,e,s,t){return P(n,s,t),e.map(i=>fe(n,i,s,t))}function fe(n,e,s,t){let i=C(he(n,e),{sessionKey:e,ownerId:s,now:t.now});return i.status==="acquired"&&n(`INSERT INTO session_owners (session_key, owner_id, token, released) VALUES (?, ?, ?, 0)
       ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token, released = 0`).run(e,s,i.fence.token),i}function B(n,e,s){return P(n,e,s),n("SELECT session_key FROM session_owners WHERE owner_id = ? AND released = 0").all(e).map(i=>String(i.session_key))}function Y(n,e,s){if(!s){n("UPDATE session_owners SET released = 1 WHERE owner_id = ?").run(e),n("DELETE FROM hosts WHERE owner_id = ?").run(e);return}let t=n("UPDATE session_owners SET released = 1 WHERE owner_id = ? AND session_key = ?");for(let i of s)t.run(e,i)}function K(n){return n(`SELECT ${G}`).all().map(g)}function V(n,e){return n(`SELECT session_key FROM (
       SELECT session_key FROM leases
       UNION SELECT session_key FROM started_leases
       UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
     ) AS work
     WHERE NOT EXISTS (
       SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
       WHERE o.session_key = work.session_key AND o.released = 0 AND h.expires_at > ?
     )`).all(e).map(t=>String(t.session_key))}function d(n,e,s){let t=b(e,s);if(!t)return;let i=n("SELECT owner_id, token FROM session_owners WHERE session_key = ?").get(e),o=i&&{sessionKey:e,ownerId:String(i.owner_id),token:Number(i.token),expiresAt:0};U(o,e,t)}function c(n,e){let s=n("SELECT * FROM leases WHERE plugin_id = ? AND session_key = ? AND lease_key = ?").get(e.pluginId,e.sessionKey,e.leaseKey);return s?l(s):void 0}function j(n,e,s){if(s){let i=n("SELECT version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").get(e.pluginId,e.sessionKey,s.key),o=i?Number(i.version):0;if(o!==s.version)return{conflict:{version:o}}}let t=c(n,e);return n(`INSERT OR REPLACE INTO leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...m(e)),{replaced:t}}function J(n,e,s){let t=c(n,e);if(!(!t||s!==void 0&&t.id!==s))return n("DELETE FROM leases WHERE id = ?").run(t.id),t}function q(n,e){let s=n("SELECT * FROM leases WHERE session_key = ?").all(e);return n("DELETE FROM leases WHERE session_key = ?").run(e),s.map(l)}function z(n,e,s){let t=c(n,e);if(t?.id===s)return n("DELETE FROM leases WHERE id = ?").run(s),n(`INSERT INTO started_leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...m(t)),t}function Q(n,e,s){let t=n("SELECT session_key FROM started_leases WHERE id = ?").get(e);t&&(d(n,String(t.session_key),s),n("DELETE FROM started_leases WHERE id = ?").run(e))}function y(n,e,s){return(s===void 0?n(`SELECT * FROM ${e} ORDER BY due_at`).all():n(`SELECT * FROM ${e} WHERE session_key = ? ORDER BY due_at`).all(s)).map(l)}import{mkdirSync as ge,statSync as ee,writeFileSync as Oe}from"node:fs";import{dirname as we}from"node:path";var L=4,Z=[{version:1,sql:`
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
               coalesce(reply, '${D.replaceAll("'","''")}'),
               CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END,
               coalesce(answered_at, posted_at)
        FROM session_inbox;
      DROP TABLE session_inbox;
      ALTER TABLE session_inbox_v4 RENAME TO session_inbox;
      CREATE INDEX session_inbox_pending ON session_inbox (posted_at) WHERE answered_at IS NULL;
    `}];function se(n){let e=we(n);try{if(ge(e,{recursive:!0,mode:448}),!ee(e).isDirectory())throw Object.assign(new Error("not a folder"),{code:"ENOTDIR"});Oe(n,"",{flag:"wx",mode:384})}catch(s){let t=s.code;if(t==="EEXIST"&&ee(e,{throwIfNoEntry:!1})?.isDirectory())return;throw new E({message:`${n} cannot be created (${t??s.message}): its folder is missing, not a folder, or not writable; pass another store path.`,cause:s})}}function ne(n,e){if(e.readOnly)return Se(n,e);let s;try{s=new(te()).DatabaseSync(n),s.exec(`PRAGMA busy_timeout = ${Math.max(0,Math.floor(e.busyTimeoutMs??5e3))}`);let t=ie(s,n);if(s.exec("PRAGMA journal_mode = WAL"),s.exec(`PRAGMA synchronous = ${e.synchronous==="full"?"FULL":"NORMAL"}`),t<L&&ye(s,t),e.maxSizeBytes!==void 0){let{page_size:i}=s.prepare("PRAGMA page_size").get();s.exec(`PRAGMA max_page_count = ${Math.max(1,Math.floor(e.maxSizeBytes/i))}`)}return s}catch(t){throw s?.isOpen&&s.close(),oe(n,t)}}function te(){let n=process.getBuiltinModule?.("node:sqlite");if(!n)throw new E({message:`SQLite stores need Node.js 22.13 or newer (node:sqlite) and this is Node.js ${process.versions.node}; upgrade Node.js or use MemoryStore.`});return n}function Se(n,e){let{DatabaseSync:s}=te(),t=[n,`file:${encodeURI(n)}?immutable=1`];for(let[i,o]of t.entries()){let r;try{return r=new s(o,{readOnly:!0}),r.exec(`PRAGMA busy_timeout = ${Math.max(0,Math.floor(e.busyTimeoutMs??5e3))}`),ie(r,n),r}catch(a){if(r?.isOpen&&r.close(),!/unable to open|readonly|read-only|cannot open/i.test(a.message)||i===t.length-1)throw oe(n,a)}}throw new E({message:`${n} could not be opened to read.`})}function ie(n,e){let s=Number(n.prepare("PRAGMA user_version").get().user_version);if(s>L)throw new E({message:`${e} has schema version ${s}, newer than this goal-lease reads (${L}); upgrade goal-lease or use another store file.`});let t=n.prepare("SELECT count(*) AS count FROM sqlite_master").get();if(s===0&&Number(t.count)>0)throw new E({message:`${e} is an SQLite database but not a goal-lease store; use another store file.`});return s}function ye(n,e){n.exec("BEGIN IMMEDIATE");try{for(let s of Z)s.version<=e||(n.exec(s.sql),n.exec(`PRAGMA user_version = ${s.version}`));n.exec("COMMIT")}catch(s){throw n.isTransaction&&n.exec("ROLLBACK"),s}}function oe(n,e){if(e instanceof E)return e;let s=e instanceof Error?e.message:String(e);return/not a database|malformed|corrupt/i.test(s)?new E({message:`${n} is not a readable goal-lease store (${s}); it was left untouched: move it aside or restore a backup.`,cause:e}):/locked|busy/i.test(s)?new E({message:`${n} is locked by another process (${s}); stop it or use another store file.`,cause:e}):new E({message:`${n} could not be opened (${s}); check the path and its permissions.`,cause:e})}function re(n,e){let s=n("SELECT * FROM sessions WHERE session_key = ?").get(e);return s?R(s):void 0}function ae(n,e){n(`INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
       generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at`).run(e.sessionKey,e.agentId,e.channel,e.generation,e.createdAt,e.closedAt??null)}function Ee(n){return n("SELECT * FROM sessions ORDER BY created_at, session_key").all().map(R)}function A(n,e,s,t){let i=n("SELECT value, version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").get(e,s,t);return i?F(i):void 0}function de(n,e,s){let{pluginId:t,scope:i,key:o,value:r}=e,a=A(n,t,i,o);return(a?.version??0)!==s?{status:"conflict",current:a}:(n(`INSERT INTO plugin_state (plugin_id, scope, key, value, version) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (plugin_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version`).run(t,i,o,JSON.stringify(r),s+1),{status:"written",version:s+1})}function ce(n,e,s,t){let i=n("DELETE FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").run(e,s,t);return Number(i.changes)>0}function I(n,e,s){if(s.length===0)return;let{pluginId:t,scope:i,key:o}=e,r=n("SELECT max(seq) AS seq FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?").get(t,i,o),a=Number(r?.seq??0),u=n("INSERT INTO plugin_log (plugin_id, scope, key, seq, value) VALUES (?, ?, ?, ?, ?)");for(let _ of s)u.run(t,i,o,++a,JSON.stringify(_));a>h&&n("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? AND seq <= ?").run(t,i,o,a-h)}function ue(n,e,s){return n("SELECT value FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? ORDER BY seq DESC LIMIT ?").all(e.pluginId,e.scope,e.key,Math.max(0,s)).reverse().map(i=>JSON.parse(i.value))}function le(n,e){n("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?").run(e.pluginId,e.scope,e.key)}function Te(n,e,s){let t=n("INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message) VALUES (?, ?, ?, ?, ?, ?)");for(let i of s){let{generation:o,turnId:r,at:a,leaseId:u,message:_}=i;t.run(e,o,r,a,u??null,JSON.stringify(_))}}function pe(n,e,s){return n("SELECT * FROM transcript WHERE session_key = ? AND generation = ? ORDER BY id DESC LIMIT ?").all(e,s.generation,s.limit).reverse().map(v)}var Ne=class n{path;#s;#i=!1;constructor(e,s){if(typeof e!="string"||s===void 0)throw new k({message:"Open a store with SqliteStore.open(path), not new SqliteStore(...)."});this.path=e,this.#s=s}static open(e,s={}){let t=e!==":memory:"&&!s.readOnly;return t&&se(e),new n(e,N.acquire(e,t,()=>ne(e,s)))}async getSession(e){return this.#t(()=>re(this.#e,e))}async putSession(e,s){await this.#n(e.sessionKey,s,()=>ae(this.#e,e))}async listSessions(){return this.#t(()=>Ee(this.#e))}async acquireSessions(e,s,t){return this.#n(void 0,void 0,()=>$(this.#e,e,s,t))}async renewSessions(e,s){return this.#n(void 0,void 0,()=>B(this.#e,e,s))}async releaseSessions(e,s){await this.#n(void 0,void 0,()=>Y(this.#e,e,s))}async listOwners(){return this.#t(()=>K(this.#e))}async listOrphanedSessions(e){return this.#t(()=>V(this.#e,e))}async postCommand(e){return this.#n(void 0,void 0,()=>X(this.#e,e))}async getCommand(e){return this.#t(()=>S(this.#e,e))}async listPendingCommands(e){return this.#t(()=>H(this.#e,e))}async answerCommand(e,s,t){return this.#n(void 0,void 0,()=>{let i=S(this.#e,e);return i?(d(this.#e,i.sessionKey,t),W(this.#e,e,s)):!1})}async appendTranscript(e,s,t){await this.#n(e,t,()=>Te(this.#e,e,s))}async readTranscript(e,s){return this.#t(()=>pe(this.#e,e,s))}async readState(e,s,t){return this.#t(()=>A(this.#e,e,s,t))}async writeState(e,s,t,i,o,r){return this.#n(s,r,()=>{let a=de(this.#e,{pluginId:e,scope:s,key:t,value:i},o);return a.status==="written"&&r?.log&&I(this.#e,{pluginId:e,scope:s,key:t},r.log),a})}async deleteState(e,s,t,i){return this.#n(s,i,()=>(le(this.#e,{pluginId:e,scope:s,key:t}),ce(this.#e,e,s,t)))}async appendLog(e,s,t,i,o){await this.#n(s,o,()=>I(this.#e,{pluginId:e,scope:s,key:t},i))}async readLog(e,s,t,i){return this.#t(()=>ue(this.#e,{pluginId:e,scope:s,key:t},i.limit))}async putLease(e,s){return this.#n(e.sessionKey,s,()=>j(this.#e,e,s?.ifState))}async getLease(e){return this.#t(()=>c(this.#e,e))}async deleteLease(e,s,t){return this.#n(e.sessionKey,t,()=>J(this.#e,e,s))}async deleteSessionLeases(e,s){return this.#n(e,s,()=>q(this.#e,e))}async listLeases(e){return this.#t(()=>y(this.#e,"leases",e))}async claimLease(e,s,t){return this.#n(e.sessionKey,t,()=>z(this.#e,e,s))}async finishLease(e,s){await this.#n(void 0,void 0,()=>Q(this.#e,e,s))}async listStartedLeases(e){return this.#t(()=>y(this.#e,"started_leases",e))}async close(){this.#i||(this.#i=!0,this.#s.release())}#o(e){if(this.#i||!this.#s.db.isOpen)throw new E({message:`${this.path}: the store is closed; open it again to use it.`});try{return e()}catch(s){throw this.#s.failure(s)}}#e=e=>this.#s.statement(e);#t(e){return this.#s.group.settled(this.#o(e))}#n(e,s,t){return this.#o(()=>this.#s.write(()=>(e!==void 0&&d(this.#e,e,s),t())))}};export{Ne as SqliteStore};
