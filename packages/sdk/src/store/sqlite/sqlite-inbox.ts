import { randomUUID } from "node:crypto";
import { type Row, toCommand } from "../rows.js";
import { type CommandAnswer, type InboxCommand, inboxFullError, inboxLimits } from "../store.js";
import type { Query } from "./sqlite-connection.js";

/** Inside a write transaction: queues a command, unless its session's inbox is full. */
export function postCommand(query: Query, command: Omit<InboxCommand, "id" | "answer">): InboxCommand {
  const { count } = query(
    "SELECT count(*) AS count FROM session_inbox WHERE session_key = ? AND answered_at IS NULL",
  ).get(command.sessionKey) as { count: number };
  if (Number(count) >= inboxLimits.maxPending) throw inboxFullError(command.sessionKey);
  const posted: InboxCommand = { ...command, id: randomUUID() };
  query(
    `INSERT INTO session_inbox (id, session_key, plugin_id, verb, input, sender_id, sender_is_owner, posted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    posted.id,
    posted.sessionKey,
    posted.pluginId,
    posted.verb,
    JSON.stringify(posted.input),
    posted.sender.id,
    posted.sender.isOwner ? 1 : 0,
    posted.postedAt,
  );
  return posted;
}

export function getCommand(query: Query, id: string): InboxCommand | undefined {
  const row = query("SELECT * FROM session_inbox WHERE id = ?").get(id) as Row | undefined;
  return row ? toCommand(row) : undefined;
}

export function listPendingCommands(query: Query, sessionKey?: string): InboxCommand[] {
  const rows =
    sessionKey === undefined
      ? query("SELECT * FROM session_inbox WHERE answered_at IS NULL ORDER BY posted_at").all()
      : query(
          "SELECT * FROM session_inbox WHERE answered_at IS NULL AND session_key = ? ORDER BY posted_at",
        ).all(sessionKey);
  return (rows as Row[]).map(toCommand);
}

/** Inside a write transaction: records the answer unless there is one already, and drops old answered ones. */
export function answerCommand(query: Query, id: string, answer: CommandAnswer): boolean {
  const result = query(
    "UPDATE session_inbox SET reply = ?, applied = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL",
  ).run(answer.reply, answer.applied ? 1 : 0, answer.at, id);
  query(
    `DELETE FROM session_inbox WHERE answered_at < ?
       AND session_key = (SELECT session_key FROM session_inbox WHERE id = ?)`,
  ).run(answer.at - inboxLimits.keepAnsweredMs, id);
  return Number(result.changes) > 0;
}
