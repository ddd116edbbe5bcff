import { toTranscriptEntry } from "../rows.js";
import type { Fence, TranscriptEntry } from "../store.js";
import { arrayLiteral, type PostgresConnection } from "./postgres-connection.js";

// The transcript on PostgreSQL: an append is one call of its plpgsql function (`postgres-schema.ts`), which
// takes the session's lock and checks the fence.

export async function appendTranscript(
  db: PostgresConnection,
  sessionKey: string,
  entries: readonly TranscriptEntry[],
  fence: Fence | undefined,
): Promise<void> {
  if (entries.length === 0) return;
  await db.call(sessionKey, fence, "append_transcript", [
    sessionKey,
    arrayLiteral(entries.map((entry) => entry.generation)),
    arrayLiteral(entries.map((entry) => entry.turnId)),
    arrayLiteral(entries.map((entry) => entry.at)),
    arrayLiteral(entries.map((entry) => entry.leaseId ?? null)),
    arrayLiteral(entries.map((entry) => JSON.stringify(entry.message))),
  ]);
}

/** The last `limit` entries of `generation`, oldest first. */
export async function readTranscript(
  db: PostgresConnection,
  sessionKey: string,
  options: { generation: number; limit: number },
): Promise<TranscriptEntry[]> {
  const { rows } = await db.query(
    "SELECT * FROM transcript WHERE session_key = $1 AND generation = $2 ORDER BY id DESC LIMIT $3",
    [sessionKey, options.generation, Math.max(0, options.limit)],
  );
  return rows.reverse().map(toTranscriptEntry);
}
