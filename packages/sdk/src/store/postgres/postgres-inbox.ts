import { randomUUID } from "node:crypto";
import { toCommand } from "../rows.js";
import { type CommandAnswer, type Fence, type InboxCommand, inboxFullError, inboxLimits } from "../store.js";
import type { PostgresConnection } from "./postgres-connection.js";
import { watchInbox } from "./postgres-watch.js";

// The command inbox on PostgreSQL: commands for a session owned by another process, each post notifying
// that owner, each answer written under the session's fence.

/** The notification channel that tells a session's owner a command was posted for it. */
const inboxChannel = "goal_lease_inbox";

/** Queues a command, unless its session's inbox is full; the owner is notified when the insert commits. */
export async function postCommand(
  db: PostgresConnection,
  command: Omit<InboxCommand, "id" | "answer">,
): Promise<InboxCommand> {
  const posted: InboxCommand = { ...command, id: randomUUID() };
  const { rows } = await db.query(
    `WITH posted AS (
       INSERT INTO session_inbox (id, session_key, plugin_id, verb, input, sender_id, sender_is_owner, posted_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8
       WHERE (SELECT count(*) FROM session_inbox WHERE session_key = $2 AND answered_at IS NULL) < $9
       RETURNING session_key
     ) SELECT pg_notify('${inboxChannel}', session_key) FROM posted`,
    [
      posted.id,
      posted.sessionKey,
      posted.pluginId,
      posted.verb,
      JSON.stringify(posted.input),
      posted.sender.id,
      posted.sender.isOwner,
      posted.postedAt,
      inboxLimits.maxPending,
    ],
  );
  if (rows.length === 0) throw inboxFullError(posted.sessionKey);
  return posted;
}

export async function getCommand(db: PostgresConnection, id: string): Promise<InboxCommand | undefined> {
  const { rows } = await db.query("SELECT * FROM session_inbox WHERE id = $1", [id]);
  return rows[0] ? toCommand(rows[0]) : undefined;
}

export async function listPendingCommands(db: PostgresConnection): Promise<InboxCommand[]> {
  const { rows } = await db.query("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at");
  return rows.map(toCommand);
}

/** Hears every post, through a LISTEN connection of its own to `url`. */
export function watchCommands(
  db: PostgresConnection,
  url: string,
  listener: (sessionKey: string) => void,
): () => void {
  return watchInbox({
    url,
    channel: inboxChannel,
    listener,
    // Notifications sent while the listening connection was down are lost: re-read what is pending.
    missed: async () => (await listPendingCommands(db)).map((command) => command.sessionKey),
  });
}

/** Records the answer unless there is one already, and drops the session's commands answered long ago. */
export async function answerCommand(
  db: PostgresConnection,
  id: string,
  answer: CommandAnswer,
  fence: Fence | undefined,
): Promise<boolean> {
  const command = await getCommand(db, id);
  if (!command) return false;
  const rows = await db.call(command.sessionKey, fence, "answer_command", [
    id,
    answer.reply,
    answer.applied,
    answer.at,
    inboxLimits.keepAnsweredMs,
  ]);
  return rows[0]?.answered === true;
}
