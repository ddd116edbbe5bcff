import { appendFileSync, existsSync, readFileSync } from "node:fs";

/** What the processes of a crash run record, each line stamped with the writer's pid and the time. */
export type JournalEvent =
  | { kind: "start"; sessionKey: string; reply: string }
  | { kind: "admitted"; sessionKey: string; leaseId: string }
  | { kind: "interrupted"; sessionKey: string; leaseId: string; reason: string }
  | { kind: "user"; sessionKey: string; text: string; commandId: string }
  | { kind: "kill"; victim: number }
  | { kind: "ready" }
  | { kind: "lost"; sessionKey: string }
  | { kind: "host-error"; message: string }
  | { kind: "db-stop" }
  | { kind: "db-start" };

export type JournalLine = JournalEvent & { pid: number; at: number };

/**
 * The crash run's shared log on disk: every host process and the harness append to it (one short line per
 * write, so lines from several processes never interleave), and kills only ever cut a last line.
 */
export class Journal {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  append(event: JournalEvent): void {
    appendFileSync(this.path, `${JSON.stringify({ ...event, pid: process.pid, at: Date.now() })}\n`);
  }

  read(): JournalLine[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, "utf8")
      .split("\n")
      .flatMap((text) => {
        try {
          return text ? [JSON.parse(text) as JournalLine] : [];
        } catch {
          return []; // a line cut by a kill
        }
      });
  }
}
