import { legacyCommandReply } from "../store.js";

/** The schema version this build writes; stored in the file's `PRAGMA user_version`. */
export const currentSchemaVersion = 4;

/**
 * Migrations by the version they produce. Version 1 is the first format; a new format appends a step here
 * and a fixture under `test/fixtures/sqlite/historical/`.
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
    `,
  },
  {
    // Session ownership (one live host process per session, fenced by token; a host's liveness is one row
    // it renews, whatever the number of its sessions) and the command inbox through which other processes
    // reach a session's owner.
    version: 2,
    sql: `
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
    `,
  },
  {
    // Plugin logs: append-only entries beside a state key, read only when asked (a goal's event log).
    version: 3,
    sql: `
      CREATE TABLE plugin_log (
        plugin_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (plugin_id, scope, key, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    // A change from another process travels as data (a plugin, its control's name and the input), never as
    // chat text shaped for one command name; an owner's answer says whether it applied. A command an older
    // version posted as text, that no process ran, is answered as not applied.
    version: 4,
    sql: `
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
               coalesce(reply, '${legacyCommandReply.replaceAll("'", "''")}'),
               CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END,
               coalesce(answered_at, posted_at)
        FROM session_inbox;
      DROP TABLE session_inbox;
      ALTER TABLE session_inbox_v4 RENAME TO session_inbox;
      CREATE INDEX session_inbox_pending ON session_inbox (posted_at) WHERE answered_at IS NULL;
    `,
  },
];
