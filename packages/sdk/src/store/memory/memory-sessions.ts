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

  listSessions(): SessionRecord[] {
    return [...this.#sessions.values()];
  }
}
