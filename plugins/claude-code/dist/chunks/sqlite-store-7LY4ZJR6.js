import { createRequire as __goalLeaseRequire } from "node:module"; const require = __goalLeaseRequire(import.meta.url);
import{a as R,b as g,c as w,d as P,e as G,f as $,g as B,h as Y,i as O,j as S,k as V}from"./chunk-ZLX3MGYH.js";import{a as U,b as D,c as F,d as v,e as X,f as m,g as L,h as W,i as H}from"./chunk-LD3CRQI7.js";import{a as C,d as b,e as E}from"./chunk-36TI6OSB.js";import"./chunk-FEKFFLDD.js";import{statSync as y}from"node:fs";var p=class{#s;#r;#n;#e;#t;constructor(e,s){this.#s=e,this.#r=s.beforeBegin,this.#n=s.committed,this.#e=s.failure}get open(){return this.#t?.committed}settled(e){return this.#t?this.#t.committed.then(()=>e):e}join(){if(this.#t)return this.#t.committed;this.#r(),this.#s.exec("BEGIN IMMEDIATE");let e,s=new Promise((n,i)=>{e=r=>r===void 0?n():i(r)});return s.catch(()=>{}),this.#t={committed:s,settle:e},setImmediate(()=>this.commit()),s}abandon(e){let s=this.#t;this.#t=void 0,s?.settle(this.#e(e))}commit(){let e=this.#t;if(e){this.#t=void 0;try{this.#s.exec("COMMIT"),e.settle(),this.#n()}catch(s){this.#s.isOpen&&this.#s.isTransaction&&this.#s.exec("ROLLBACK"),e.settle(this.#e(s))}}}};import{once as Se}from"node:events";import{Worker as ye}from"node:worker_threads";var Ae=1e3,Ie=`
const { parentPort, workerData } = require("node:worker_threads");
const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
const db = new DatabaseSync(workerData.path);
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    parentPort.close();
    return;
  }
  db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
});
`,h=class{#s;#r;#n;#e;#t=!1;constructor(e,s){this.#s=e,this.#r=s}committed(){this.#e||this.#t||(this.#e=setTimeout(()=>{this.#e=void 0,this.#a()?.postMessage("checkpoint")},Ae),this.#e.unref())}async close(){clearTimeout(this.#e),this.#e=void 0;let e=this.#n;if(this.#n=void 0,!e)return;let s=Se(e,"exit");e.ref(),e.postMessage("close"),await s}#a(){if(this.#n||this.#t)return this.#n;let e=new ye(Ie,{eval:!0,workerData:{path:this.#s}});return e.unref(),e.on("error",()=>{this.#n===e&&(this.#n=void 0),this.#t=!0,this.#r()}),this.#n=e,e}};function d(t,...e){if(typeof t.setReturnArrays!="function")return t.all(...e).map(s=>Object.values(s));t.setReturnArrays(!0);try{return t.all(...e)}finally{t.setReturnArrays(!1)}}var f=new Map,N=class t{path;db;group;#s=new Map;#r;#n;#e;#t=1;constructor(e,s,n){this.path=e,this.db=s,this.#n=n,this.#r=e===":memory:"?void 0:y(e);let i=this.#r&&new h(e,()=>{s.isOpen&&s.exec("PRAGMA wal_autocheckpoint = 1000")});this.#e=i,this.group=new p(s,{beforeBegin:()=>this.#a(),committed:()=>i?.committed(),failure:r=>this.failure(r)})}static acquire(e,s,n){let i=s?y(e,{throwIfNoEntry:!1}):void 0,r=i?`${i.dev}:${i.ino}`:void 0,o=r===void 0?void 0:f.get(r);if(o?.db.isOpen)return o.#t++,o;let a=new t(e,n(),r);return r!==void 0&&f.set(r,a),a}statement(e){let s=this.#s.get(e);return s||(s=this.db.prepare(e),this.#s.set(e,s)),s}write(e){let s=this.group.join();this.db.exec("SAVEPOINT write");try{let n=e();return this.db.exec("RELEASE write"),s.then(()=>n)}catch(n){throw this.db.isTransaction?(this.db.exec("ROLLBACK TO write"),this.db.exec("RELEASE write")):this.group.abandon(n),n}}async release(){this.group.commit(),!(--this.#t>0)&&(this.#n!==void 0&&f.get(this.#n)===this&&f.delete(this.#n),await this.#e?.close(),this.db.isOpen&&this.db.close())}failure(e){if(e instanceof C)return e;let s=e instanceof Error?e.message:String(e),n=/full/i.test(s)?"free disk space and retry":/locked|busy/i.test(s)?"another process holds the file; retry or stop it":"check the file and its permissions";return new E({message:`${this.path}: ${s} (${n}).`,cause:e})}#a(){if(!this.#r)return;let e=y(this.path,{throwIfNoEntry:!1});if(e?.ino!==this.#r.ino||e.dev!==this.#r.dev)throw new E({message:`${this.path} was deleted or replaced while goal-lease had it open; nothing was written: stop goal-lease and start it again.`})}};import{randomUUID as ke}from"node:crypto";function j(t,e){let{count:s}=t("SELECT count(*) AS count FROM session_inbox WHERE session_key = ? AND answered_at IS NULL").get(e.sessionKey);if(Number(s)>=L.maxPending)throw W(e.sessionKey);let n={...e,id:ke()};return t(`INSERT INTO session_inbox (id, session_key, plugin_id, verb, input, sender_id, sender_is_owner, posted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(n.id,n.sessionKey,n.pluginId,n.verb,JSON.stringify(n.input),n.sender.id,n.sender.isOwner?1:0,n.postedAt),n}function A(t,e){let s=t("SELECT * FROM session_inbox WHERE id = ?").get(e);return s?S(s):void 0}function K(t,e){return(e===void 0?t("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at").all():t("SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = ? ORDER BY posted_at").all(e)).map(S)}function J(t,e,s){let n=t("UPDATE session_inbox SET reply = ?, applied = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL").run(s.reply,s.applied?1:0,s.at,e);return t(`DELETE FROM session_inbox WHERE answered_at < ?
       AND session_key = (SELECT session_key FROM session_inbox WHERE id = ?)`).run(s.at-L.keepAnsweredMs,e),Number(n.changes)>0}var q=`o.session_key, o.owner_id, o.token,
  CASE WHEN o.released = 1 THEN 0 ELSE coalesce(h.expires_at, 0) END AS expires_at
  FROM session_owners AS o LEFT JOIN hosts AS h ON h.owner_id = o.owner_id`;function z(t,e,s){t(`INSERT INTO hosts (owner_id, expires_at) VALUES (?, ?)
     ON CONFLICT (owner_id) DO UPDATE SET expires_at = excluded.expires_at`).run(e,s.now+s.ttlMs)}function Q(t,e,s,n){z(t,s,n);let i=JSON.stringify(e),r=new Map(t(`SELECT ${q} WHERE o.session_key IN (SELECT value FROM json_each(?))`).all(i).map(O).map(c=>[c.sessionKey,c])),o=e.map(c=>U(r.get(c),{sessionKey:c,ownerId:s,now:n.now})),a=e.flatMap((c,u)=>{let M=o[u];return M?.status==="acquired"?[[c,M.fence.token]]:[]});return a.length>0&&t(`INSERT INTO session_owners (session_key, owner_id, token, released)
       SELECT value ->> 0, ?, value ->> 1, 0 FROM json_each(?) WHERE true
       ON CONFLICT (session_key) DO UPDATE SET owner_id = excluded.owner_id, token = excluded.token, released = 0`).run(s,JSON.stringify(a)),o}function Z(t,e,s){return z(t,e,s),t("SELECT session_key FROM session_owners WHERE owner_id = ? AND released = 0").all(e).map(i=>String(i.session_key))}function ee(t,e,s){if(!s){t("UPDATE session_owners SET released = 1 WHERE owner_id = ?").run(e),t("DELETE FROM hosts WHERE owner_id = ?").run(e);return}let n=t("UPDATE session_owners SET released = 1 WHERE owner_id = ? AND session_key = ?");for(let i of s)n.run(e,i)}function se(t){return t(`SELECT ${q}`).all().map(O)}function te(t,e){return d(t(`SELECT session_key FROM (
         SELECT session_key FROM leases
         UNION SELECT session_key FROM started_leases
         UNION SELECT session_key FROM session_inbox WHERE answered_at IS NULL
       ) AS work
       WHERE NOT EXISTS (
         SELECT 1 FROM session_owners AS o JOIN hosts AS h ON h.owner_id = o.owner_id
         WHERE o.session_key = work.session_key AND o.released = 0 AND h.expires_at > ?
       )`),e).map(n=>String(n[0]))}function l(t,e,s){let n=F(e,s);if(!n)return;let i=t("SELECT owner_id, token FROM session_owners WHERE session_key = ?").get(e),r=i&&{sessionKey:e,ownerId:String(i.owner_id),token:Number(i.token),expiresAt:0};D(r,e,n)}function T(t,e){let s=t("SELECT * FROM leases WHERE plugin_id = ? AND session_key = ? AND lease_key = ?").get(e.pluginId,e.sessionKey,e.leaseKey);return s?g(s):void 0}function ne(t,e,s){if(s){let i=t("SELECT version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").get(e.pluginId,e.sessionKey,s.key),r=i?Number(i.version):0;if(r!==s.version)return{conflict:{version:r}}}let n=T(t,e);return t(`INSERT OR REPLACE INTO leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...R(e)),{replaced:n}}function ie(t,e,s){let n=T(t,e);if(!(!n||s!==void 0&&n.id!==s))return t("DELETE FROM leases WHERE id = ?").run(n.id),n}function re(t,e){let s=t("SELECT * FROM leases WHERE session_key = ?").all(e);return t("DELETE FROM leases WHERE session_key = ?").run(e),s.map(g)}function oe(t,e,s){let n=T(t,e);if(n?.id===s)return t("DELETE FROM leases WHERE id = ?").run(s),t(`INSERT INTO started_leases (plugin_id, session_key, lease_key, id, message, created_at, due_at, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...R(n)),n}function ae(t,e,s){let n=t("SELECT session_key FROM started_leases WHERE id = ?").get(e);n&&(l(t,String(n.session_key),s),t("DELETE FROM started_leases WHERE id = ?").run(e))}function I(t,e,s){return(s===void 0?d(t(`SELECT ${w} FROM ${e} ORDER BY due_at`)):d(t(`SELECT ${w} FROM ${e} WHERE session_key = ? ORDER BY due_at`),s)).map(P)}import{mkdirSync as be,statSync as Ee,writeFileSync as Ue}from"node:fs";import{dirname as De}from"node:path";var _=4,ce=[{version:1,sql:`
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
               coalesce(reply, '${H.replaceAll("'","''")}'),
               CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END,
               coalesce(answered_at, posted_at)
        FROM session_inbox;
      DROP TABLE session_inbox;
      ALTER TABLE session_inbox_v4 RENAME TO session_inbox;
      CREATE INDEX session_inbox_pending ON session_inbox (posted_at) WHERE answered_at IS NULL;
    `}];function de(t){let e=De(t);try{if(be(e,{recursive:!0,mode:448}),!Ee(e).isDirectory())throw Object.assign(new Error("not a folder"),{code:"ENOTDIR"});Ue(t,"",{flag:"wx",mode:384})}catch(s){let n=s.code;if(n==="EEXIST"&&Ee(e,{throwIfNoEntry:!1})?.isDirectory())return;throw new E({message:`${t} cannot be created (${n??s.message}): its folder is missing, not a folder, or not writable; pass another store path.`,cause:s})}}function ue(t,e){if(e.readOnly)return Fe(t,e);let s;try{s=new(le()).DatabaseSync(t),s.exec(`PRAGMA busy_timeout = ${Math.max(0,Math.floor(e.busyTimeoutMs??5e3))}`);let n=Te(s,t);if(s.exec("PRAGMA journal_mode = WAL"),s.exec("PRAGMA wal_autocheckpoint = 0"),s.exec(`PRAGMA synchronous = ${e.synchronous==="full"?"FULL":"NORMAL"}`),n<_&&ve(s,n),e.maxSizeBytes!==void 0){let{page_size:i}=s.prepare("PRAGMA page_size").get();s.exec(`PRAGMA max_page_count = ${Math.max(1,Math.floor(e.maxSizeBytes/i))}`)}return s}catch(n){throw s?.isOpen&&s.close(),pe(t,n)}}function le(){let t=process.getBuiltinModule?.("node:sqlite");if(!t)throw new E({message:`SQLite stores need Node.js 22.13 or newer (node:sqlite) and this is Node.js ${process.versions.node}; upgrade Node.js or use MemoryStore.`});return t}function Fe(t,e){let{DatabaseSync:s}=le(),n=[t,`file:${encodeURI(t)}?immutable=1`];for(let[i,r]of n.entries()){let o;try{return o=new s(r,{readOnly:!0}),o.exec(`PRAGMA busy_timeout = ${Math.max(0,Math.floor(e.busyTimeoutMs??5e3))}`),Te(o,t),o}catch(a){if(o?.isOpen&&o.close(),!/unable to open|readonly|read-only|cannot open/i.test(a.message)||i===n.length-1)throw pe(t,a)}}throw new E({message:`${t} could not be opened to read.`})}function Te(t,e){let s=Number(t.prepare("PRAGMA user_version").get().user_version);if(s>_)throw new E({message:`${e} has schema version ${s}, newer than this goal-lease reads (${_}); upgrade goal-lease or use another store file.`});let n=t.prepare("SELECT count(*) AS count FROM sqlite_master").get();if(s===0&&Number(n.count)>0)throw new E({message:`${e} is an SQLite database but not a goal-lease store; use another store file.`});return s}function ve(t,e){t.exec("BEGIN IMMEDIATE");try{for(let s of ce)s.version<=e||(t.exec(s.sql),t.exec(`PRAGMA user_version = ${s.version}`));t.exec("COMMIT")}catch(s){throw t.isTransaction&&t.exec("ROLLBACK"),s}}function pe(t,e){if(e instanceof E)return e;let s=e instanceof Error?e.message:String(e);return/not a database|malformed|corrupt/i.test(s)?new E({message:`${t} is not a readable goal-lease store (${s}); it was left untouched: move it aside or restore a backup.`,cause:e}):/locked|busy/i.test(s)?new E({message:`${t} is locked by another process (${s}); stop it or use another store file.`,cause:e}):new E({message:`${t} could not be opened (${s}); check the path and its permissions.`,cause:e})}function he(t,e){let s=t("SELECT * FROM sessions WHERE session_key = ?").get(e);return s?B(s):void 0}function fe(t,e){t(`INSERT INTO sessions (session_key, agent_id, channel, generation, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_key) DO UPDATE SET agent_id = excluded.agent_id, channel = excluded.channel,
       generation = excluded.generation, created_at = excluded.created_at, closed_at = excluded.closed_at`).run(e.sessionKey,e.agentId,e.channel,e.generation,e.createdAt,e.closedAt??null)}function Ne(t,e){return d(t(`SELECT ${G} FROM sessions${e?" ORDER BY created_at, session_key":""}`)).map($)}function k(t,e,s,n){let i=t("SELECT value, version FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").get(e,s,n);return i?Y(i):void 0}function _e(t,e,s){let{pluginId:n,scope:i,key:r,json:o}=e,a=k(t,n,i,r);return(a?.version??0)!==s?{status:"conflict",current:a}:(t(`INSERT INTO plugin_state (plugin_id, scope, key, value, version) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (plugin_id, scope, key) DO UPDATE SET value = excluded.value, version = excluded.version`).run(n,i,r,o,s+1),{status:"written",version:s+1})}function me(t,e,s,n){let i=t("DELETE FROM plugin_state WHERE plugin_id = ? AND scope = ? AND key = ?").run(e,s,n);return Number(i.changes)>0}function x(t,e,s){if(s.length===0)return;let{pluginId:n,scope:i,key:r}=e,o=t("SELECT max(seq) AS seq FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?").get(n,i,r),a=Number(o?.seq??0),c=t("INSERT INTO plugin_log (plugin_id, scope, key, seq, value) VALUES (?, ?, ?, ?, ?)");for(let u of s)c.run(n,i,r,++a,JSON.stringify(u));a>m&&t("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? AND seq <= ?").run(n,i,r,a-m)}function Le(t,e,s){return t("SELECT value FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ? ORDER BY seq DESC LIMIT ?").all(e.pluginId,e.scope,e.key,Math.max(0,s)).reverse().map(i=>JSON.parse(i.value))}function Re(t,e){t("DELETE FROM plugin_log WHERE plugin_id = ? AND scope = ? AND key = ?").run(e.pluginId,e.scope,e.key)}function ge(t,e,s){let n=t("INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message) VALUES (?, ?, ?, ?, ?, ?)");for(let i of s){let{generation:r,turnId:o,at:a,leaseId:c,message:u}=i;n.run(e,r,o,a,c??null,JSON.stringify(u))}}function we(t,e,s){return t("SELECT * FROM transcript WHERE session_key = ? AND generation = ? ORDER BY id DESC LIMIT ?").all(e,s.generation,s.limit).reverse().map(V)}var Oe=class t{path;#s;#r=!1;constructor(e,s){if(typeof e!="string"||s===void 0)throw new b({message:"Open a store with SqliteStore.open(path), not new SqliteStore(...)."});this.path=e,this.#s=s}static open(e,s={}){let n=e!==":memory:"&&!s.readOnly;return n&&de(e),new t(e,N.acquire(e,n,()=>ue(e,s)))}async getSession(e){return this.#o(()=>he(this.#e,e))}async putSession(e,s){await this.#i(e.sessionKey,s,()=>fe(this.#e,e))}async listSessions(e){return this.#o(()=>Ne(this.#e,e?.ordered??!0))}async acquireSessions(e,s,n){return this.#i(void 0,void 0,()=>Q(this.#e,e,s,n))}async renewSessions(e,s){return this.#i(void 0,void 0,()=>Z(this.#e,e,s))}async releaseSessions(e,s){await this.#i(void 0,void 0,()=>ee(this.#e,e,s))}async listOwners(){return this.#o(()=>se(this.#e))}async listOrphanedSessions(e){return this.#o(()=>te(this.#e,e))}async postCommand(e){return this.#i(void 0,void 0,()=>j(this.#e,e))}async getCommand(e){return this.#o(()=>A(this.#e,e))}async listPendingCommands(e){return this.#o(()=>K(this.#e,e))}async answerCommand(e,s,n){return this.#i(void 0,{after:n?.after},()=>{let i=A(this.#e,e);return i?(l(this.#e,i.sessionKey,n),J(this.#e,e,s)):!1})}async appendTranscript(e,s,n){await this.#i(e,n,()=>ge(this.#e,e,s))}async readTranscript(e,s){return this.#o(()=>we(this.#e,e,s))}async readState(e,s,n){return this.#o(()=>k(this.#e,e,s,n))}writeState(e,s,n,i,r,o){return this.#a(s,o,a=>a.status==="written",()=>{let a=o?.json??JSON.stringify(i),c=_e(this.#e,{pluginId:e,scope:s,key:n,json:a},r);return c.status==="written"&&o?.log&&x(this.#e,{pluginId:e,scope:s,key:n},o.log),c})}async deleteState(e,s,n,i){return this.#i(s,i,()=>(Re(this.#e,{pluginId:e,scope:s,key:n}),me(this.#e,e,s,n)))}async appendLog(e,s,n,i,r){await this.#i(s,r,()=>x(this.#e,{pluginId:e,scope:s,key:n},i))}async readLog(e,s,n,i){return this.#o(()=>Le(this.#e,{pluginId:e,scope:s,key:n},i.limit))}async putLease(e,s){return this.#i(e.sessionKey,s,()=>ne(this.#e,e,s?.ifState))}async getLease(e){return this.#o(()=>T(this.#e,e))}async deleteLease(e,s,n){return this.#i(e.sessionKey,n,()=>ie(this.#e,e,s))}async deleteSessionLeases(e,s){return this.#i(e,s,()=>re(this.#e,e))}async listLeases(e){return this.#o(()=>I(this.#e,"leases",e))}claimLease(e,s,n){return this.#a(e.sessionKey,n,i=>i!==void 0,()=>oe(this.#e,e,s))}async finishLease(e,s){await this.#i(void 0,{after:s?.after},()=>ae(this.#e,e,s))}async listStartedLeases(e){return this.#o(()=>I(this.#e,"started_leases",e))}async close(){this.#r||(this.#r=!0,await this.#s.release())}#n(e){if(this.#r||!this.#s.db.isOpen)throw new E({message:`${this.path}: the store is closed; open it again to use it.`});try{return e()}catch(s){throw this.#s.failure(s)}}#e=e=>this.#s.statement(e);#t=new WeakMap;#a(e,s,n,i){let r=!1,o=!1,a;try{a=this.#i(e,s,()=>{r=!0;let c=i();return o=n(c),c})}catch(c){r=!0,a=Promise.reject(c)}return r&&this.#t.set(a,{group:this.#s.group.open,applied:o}),a}#o(e){return this.#s.group.settled(this.#n(e))}#i(e,s,n){if(s?.after){let{after:i,...r}=s,o=this.#t.get(i);return o===void 0||o.group!==this.#s.group.open?X(i).then(()=>this.#i(e,r,n)):o.applied?this.#i(e,r,n):Promise.reject(v())}return this.#n(()=>this.#s.write(()=>(e!==void 0&&l(this.#e,e,s),n())))}};export{Oe as SqliteStore};
