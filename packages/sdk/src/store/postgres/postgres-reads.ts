import { Coalesced, groupedBy } from "../coalesced.js";
import { type Row, toCommand, toLease, toSession, toState, toTranscriptEntry } from "../rows.js";
import type { InboxCommand, LeaseRecord, SessionRecord, StateEntry, TranscriptEntry } from "../store.js";
import type { PostgresConnection } from "./postgres-connection.js";

/** A plugin's state key: the scope is the session. */
type StateKey = { pluginId: string; scope: string; key: string };

/** The last `limit` transcript entries of a session's generation. */
type TranscriptWindow = { sessionKey: string; generation: number; limit: number };

const sessionOf = (row: Row) => String(row.session_key);

/**
 * The reads of one session's records, each kind coalesced across sessions: what many sessions ask while
 * one read of the kind is on its way goes in one statement after it (a host opening a hundred sessions at
 * once reads their records in a few round trips, not six hundred). A read is never sent before it was
 * asked, so it sees every write that answered before it.
 */
export class PostgresReads {
  readonly sessions: Coalesced<string, SessionRecord | undefined>;
  readonly leases: Coalesced<string, LeaseRecord[]>;
  readonly startedLeases: Coalesced<string, LeaseRecord[]>;
  readonly pendingCommands: Coalesced<string, InboxCommand[]>;
  readonly states: Coalesced<StateKey, StateEntry | undefined>;
  readonly transcripts: Coalesced<TranscriptWindow, TranscriptEntry[]>;

  constructor(db: PostgresConnection) {
    this.sessions = new Coalesced(async (keys) => {
      const { rows } = await db.query("SELECT * FROM sessions WHERE session_key = ANY($1)", [keys]);
      return groupedBy(keys, rows, sessionOf).map((found) => (found[0] ? toSession(found[0]) : undefined));
    });
    const leasesOf = (table: "leases" | "started_leases") =>
      new Coalesced<string, LeaseRecord[]>(async (keys) => {
        const { rows } = await db.query(
          `SELECT * FROM ${table} WHERE session_key = ANY($1) ORDER BY due_at`,
          [keys],
        );
        return groupedBy(keys, rows, sessionOf).map((found) => found.map(toLease));
      });
    this.leases = leasesOf("leases");
    this.startedLeases = leasesOf("started_leases");
    this.pendingCommands = new Coalesced(async (keys) => {
      const { rows } = await db.query(
        "SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = ANY($1) ORDER BY posted_at",
        [keys],
      );
      return groupedBy(keys, rows, sessionOf).map((found) => found.map(toCommand));
    });
    this.states = new Coalesced(async (keys) => {
      const { rows } = await db.query(
        `SELECT q.n, s.value, s.version FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS q(p, c, k, n)
         JOIN plugin_state AS s ON s.plugin_id = q.p AND s.scope = q.c AND s.key = q.k`,
        [keys.map((key) => key.pluginId), keys.map((key) => key.scope), keys.map((key) => key.key)],
      );
      return groupedBy(positions(keys), rows, position).map((found) =>
        found[0] ? toState(found[0]) : undefined,
      );
    });
    this.transcripts = new Coalesced(async (keys) => {
      const { rows } = await db.query(
        `SELECT q.n, t.* FROM unnest($1::text[], $2::integer[], $3::integer[]) WITH ORDINALITY AS q(k, g, l, n)
         CROSS JOIN LATERAL (
           SELECT * FROM transcript AS e WHERE e.session_key = q.k AND e.generation = q.g ORDER BY e.id DESC LIMIT q.l
         ) AS t
         ORDER BY q.n, t.id DESC`,
        [
          keys.map((key) => key.sessionKey),
          keys.map((key) => key.generation),
          keys.map((key) => Math.max(0, key.limit)),
        ],
      );
      return groupedBy(positions(keys), rows, position).map((found) =>
        found.reverse().map(toTranscriptEntry),
      );
    });
  }
}

/** 1, 2, ... for each key: what `WITH ORDINALITY` numbers them. */
function positions(keys: readonly unknown[]): number[] {
  return keys.map((_, index) => index + 1);
}

function position(row: Row): number {
  return Number(row.n);
}
