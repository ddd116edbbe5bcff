import { randomUUID } from "node:crypto";
import { type Row, toCommand } from "./rows.js";
import type { Query } from "./sqlite-owners.js";
import type { InboxCommand } from "./store.js";

export function postCommand(query: Query, command: Omit<InboxCommand, "id" | "answer">): InboxCommand {
  const posted: InboxCommand = { ...command, id: randomUUID() };
  query(
    `INSERT INTO session_inbox (id, session_key, text, sender_id, sender_is_owner, posted_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    posted.id,
    posted.sessionKey,
    posted.text,
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

/** Inside a write transaction: records the answer unless there is one already. */
export function answerCommand(query: Query, id: string, answer: { reply: string; at: number }): boolean {
  const result = query(
    "UPDATE session_inbox SET reply = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL",
  ).run(answer.reply, answer.at, id);
  return Number(result.changes) > 0;
}
