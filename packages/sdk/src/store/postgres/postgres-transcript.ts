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
