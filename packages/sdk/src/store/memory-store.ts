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

/** A {@link HostStore} in process memory, for tests and demos. Values are copied in and out. */
export class MemoryStore implements HostStore {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #transcripts = new Map<string, TranscriptEntry[]>();
  readonly #state = new Map<string, StateEntry>();
  readonly #leases = new Map<string, LeaseRecord>();
  readonly #started = new Map<string, LeaseRecord>();

  async getSession(sessionKey: string) {
    return copy(this.#sessions.get(sessionKey));
  }

  async putSession(record: SessionRecord) {
    this.#sessions.set(record.sessionKey, copy(record));
  }

  async listSessions() {
    return [...this.#sessions.values()].map(copy);
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[]) {
    const transcript = this.#transcripts.get(sessionKey) ?? [];
    transcript.push(...entries.map(copy));
    this.#transcripts.set(sessionKey, transcript);
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    const entries = (this.#transcripts.get(sessionKey) ?? []).filter(
      (e) => e.generation === options.generation,
    );
    return entries.slice(Math.max(0, entries.length - options.limit)).map(copy);
  }

  async readState(pluginId: string, scope: string, key: string) {
    return copy(this.#state.get(stateId(pluginId, scope, key)));
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
    if ((current?.version ?? 0) !== expectedVersion) return { status: "conflict", current: copy(current) };
    const version = expectedVersion + 1;
    this.#state.set(id, { value: copy(value), version });
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
    return copy(this.#leases.get(slotId(slot)));
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
    return [...this.#leases.values()].map(copy);
  }

  async claimLease(slot: LeaseSlot, id: string) {
    const claimed = await this.deleteLease(slot, id);
    if (claimed) this.#started.set(claimed.id, claimed);
    return copy(claimed);
  }

  async finishLease(id: string) {
    this.#started.delete(id);
  }

  async listStartedLeases() {
    return [...this.#started.values()].map(copy);
  }

  async close() {}
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
