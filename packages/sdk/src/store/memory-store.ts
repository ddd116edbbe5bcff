import type { JsonValue } from "../json.js";
import type {
  HostStore,
  LeaseRecord,
  LeaseSlot,
  SessionRecord,
  StateEntry,
  StateWriteResult,
  TranscriptEntry,
} from "./store.js";

const slotId = (slot: LeaseSlot) => JSON.stringify([slot.pluginId, slot.sessionKey, slot.leaseKey]);
const stateId = (pluginId: string, scope: string, key: string) => JSON.stringify([pluginId, scope, key]);

/**
 * A {@link HostStore} in process memory, for tests and demos. Plugin state is kept as JSON text, so every
 * read is a fresh copy; records and transcript entries are frozen copies, safe to share.
 */
export class MemoryStore implements HostStore {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #transcripts = new Map<string, TranscriptEntry[]>();
  readonly #state = new Map<string, { json: string; version: number }>();
  readonly #leases = new Map<string, LeaseRecord>();
  readonly #started = new Map<string, LeaseRecord>();

  async getSession(sessionKey: string) {
    return this.#sessions.get(sessionKey);
  }

  async putSession(record: SessionRecord) {
    this.#sessions.set(record.sessionKey, copy(record));
  }

  async listSessions() {
    return [...this.#sessions.values()];
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[]) {
    const transcript = this.#transcripts.get(sessionKey) ?? [];
    transcript.push(...entries.map(copy));
    this.#transcripts.set(sessionKey, transcript);
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    // Walk back from the newest entry, so a turn costs its window, not the session's whole history.
    const transcript = this.#transcripts.get(sessionKey) ?? [];
    const window: TranscriptEntry[] = [];
    for (let index = transcript.length - 1; index >= 0 && window.length < options.limit; index--) {
      const entry = transcript[index];
      if (entry?.generation === options.generation) window.push(entry);
    }
    return window.reverse();
  }

  async readState(pluginId: string, scope: string, key: string) {
    return toEntry(this.#state.get(stateId(pluginId, scope, key)));
  }

  async writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
  ): Promise<StateWriteResult> {
    const id = stateId(pluginId, scope, key);
    const current = this.#state.get(id);
    if ((current?.version ?? 0) !== expectedVersion) return { status: "conflict", current: toEntry(current) };
    const version = expectedVersion + 1;
    this.#state.set(id, { json: JSON.stringify(value), version });
    return { status: "written", version };
  }

  async deleteState(pluginId: string, scope: string, key: string) {
    return this.#state.delete(stateId(pluginId, scope, key));
  }

  async putLease(record: LeaseRecord) {
    const id = slotId(record);
    const replaced = this.#leases.get(id);
    this.#leases.set(id, copy(record));
    return { replaced };
  }

  async getLease(slot: LeaseSlot) {
    return this.#leases.get(slotId(slot));
  }

  async deleteLease(slot: LeaseSlot, expectedId?: string) {
    const id = slotId(slot);
    const current = this.#leases.get(id);
    if (!current || (expectedId !== undefined && current.id !== expectedId)) return undefined;
    this.#leases.delete(id);
    return current;
  }

  async deleteSessionLeases(sessionKey: string) {
    const deleted: LeaseRecord[] = [];
    for (const [id, lease] of this.#leases) {
      if (lease.sessionKey !== sessionKey) continue;
      this.#leases.delete(id);
      deleted.push(lease);
    }
    return deleted;
  }

  async listLeases() {
    return [...this.#leases.values()];
  }

  async claimLease(slot: LeaseSlot, id: string) {
    const claimed = await this.deleteLease(slot, id);
    if (claimed) this.#started.set(claimed.id, claimed);
    return claimed;
  }

  async finishLease(id: string) {
    this.#started.delete(id);
  }

  async listStartedLeases() {
    return [...this.#started.values()];
  }

  async close() {}
}

// Records are flat or hold plain data the host never mutates: a frozen deep copy is made once, on write.
function copy<T>(value: T): T {
  return value === undefined ? value : deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function toEntry(stored: { json: string; version: number } | undefined): StateEntry | undefined {
  return stored && { value: JSON.parse(stored.json) as JsonValue, version: stored.version };
}
