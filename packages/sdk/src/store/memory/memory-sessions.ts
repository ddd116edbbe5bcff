import { frozenCopy } from "../frozen-copy.js";
import type { SessionRecord } from "../store.js";

/** The sessions of a {@link MemoryStore}, as frozen copies. */
export class MemorySessions {
  readonly #sessions = new Map<string, SessionRecord>();

  getSession(sessionKey: string): SessionRecord | undefined {
    return this.#sessions.get(sessionKey);
  }

  putSession(record: SessionRecord): void {
    this.#sessions.set(record.sessionKey, frozenCopy(record));
  }

  /** Oldest first (then by key), unless not `ordered`. */
  listSessions(ordered: boolean): SessionRecord[] {
    const sessions = [...this.#sessions.values()];
    if (!ordered) return sessions;
    return sessions.sort(
      (a, b) =>
        a.createdAt - b.createdAt || (a.sessionKey < b.sessionKey ? -1 : a.sessionKey > b.sessionKey ? 1 : 0),
    );
  }
}
