import { appendFileSync, existsSync, readFileSync } from "node:fs";

/** A user command the crash child sent, and its reply once it came. */
export interface JournalCommand {
  id: string;
  sessionKey: string;
  text: string;
  sentAt: number;
  repliedAt?: number;
  reply?: string;
}

type Line =
  | { kind: "sent"; id: string; sessionKey: string; text: string; at: number }
  | { kind: "replied"; id: string; reply: string; at: number };

/** The user's side of the crash run, on disk: what was typed and what was answered, across kills. */
export class Journal {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read(): JournalCommand[] {
    if (!existsSync(this.path)) return [];
    const commands = new Map<string, JournalCommand>();
    for (const text of readFileSync(this.path, "utf8").split("\n")) {
      if (!text) continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        continue; // the last line may be cut by a kill
      }
      if (line.kind === "sent")
        commands.set(line.id, { id: line.id, sessionKey: line.sessionKey, text: line.text, sentAt: line.at });
      else {
        const command = commands.get(line.id);
        if (command) Object.assign(command, { repliedAt: line.at, reply: line.reply });
      }
    }
    return [...commands.values()];
  }

  sent(command: { id: string; sessionKey: string; text: string }): void {
    this.#append({ kind: "sent", ...command, at: Date.now() });
  }

  replied(id: string, reply: string): void {
    this.#append({ kind: "replied", id, reply, at: Date.now() });
  }

  #append(line: Line): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}
