import { type Row, toTranscriptEntry } from "../rows.js";
import type { TranscriptEntry } from "../store.js";
import type { Query } from "./sqlite-connection.js";

// The transcript statements of SqliteStore; an append runs inside the transaction the store opened for it.

export function appendTranscript(
  query: Query,
  sessionKey: string,
  entries: readonly TranscriptEntry[],
): void {
  const insert = query(
    "INSERT INTO transcript (session_key, generation, turn_id, at, lease_id, message) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const entry of entries) {
    const { generation, turnId, at, leaseId, message } = entry;
    insert.run(sessionKey, generation, turnId, at, leaseId ?? null, JSON.stringify(message));
  }
}

/** The last `limit` entries of `generation`, oldest first. */
export function readTranscript(
  query: Query,
  sessionKey: string,
  options: { generation: number; limit: number },
): TranscriptEntry[] {
  const rows = query(
    "SELECT * FROM transcript WHERE session_key = ? AND generation = ? ORDER BY id DESC LIMIT ?",
  ).all(sessionKey, options.generation, options.limit) as Row[];
  return rows.reverse().map(toTranscriptEntry);
}
