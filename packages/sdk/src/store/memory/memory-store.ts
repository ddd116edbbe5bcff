import type { JsonValue } from "../../json.js";
import { frozenCopy } from "../frozen-copy.js";
import { acquisition, staleFence, writeFence } from "../ownership.js";
import type {
  AcquireResult,
  CommandAnswer,
  HostStore,
  InboxCommand,
  LeaseRecord,
  LeaseSlot,
  SessionOwner,
  SessionRecord,
  StateCondition,
  StateEntry,
  StateWriteResult,
  TranscriptEntry,
  WriteOptions,
} from "../store.js";
import { maxLogEntries } from "../store.js";
import { MemoryInbox } from "./memory-inbox.js";

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
  readonly #logs = new Map<string, string[]>();
  readonly #leases = new Map<string, LeaseRecord>();
  readonly #started = new Map<string, LeaseRecord>();
  /** Each session's owner and token; the claim lives as long as the owner's entry in `#hosts`. */
  readonly #owners = new Map<string, { ownerId: string; token: number; released: boolean }>();
  readonly #hosts = new Map<string, number>();
  readonly #inbox = new MemoryInbox();

  async getSession(sessionKey: string) {
    return this.#sessions.get(sessionKey);
  }

  async putSession(record: SessionRecord, options?: WriteOptions) {
    this.#fence(record.sessionKey, options);
    this.#sessions.set(record.sessionKey, frozenCopy(record));
  }

  async acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ): Promise<AcquireResult[]> {
    return sessionKeys.map((sessionKey) => {
      const result = acquisition(this.#owner(sessionKey), { sessionKey, ownerId, now: options.now });
      if (result.status === "acquired") {
        this.#hosts.set(ownerId, options.now + options.ttlMs);
        this.#owners.set(sessionKey, { ownerId, token: result.fence.token, released: false });
      }
      return result;
    });
  }

  async renewSessions(ownerId: string, options: { now: number; ttlMs: number }) {
    this.#hosts.set(ownerId, options.now + options.ttlMs);
    return [...this.#owners]
      .filter(([, owner]) => owner.ownerId === ownerId && !owner.released)
      .map(([sessionKey]) => sessionKey);
  }

  async releaseSessions(ownerId: string, sessionKeys?: readonly string[]) {
    for (const [sessionKey, owner] of this.#owners) {
      if (owner.ownerId === ownerId && (!sessionKeys || sessionKeys.includes(sessionKey)))
        owner.released = true;
    }
    if (!sessionKeys) this.#hosts.delete(ownerId);
  }

  async listOwners() {
    return [...this.#owners.keys()].map((sessionKey) => this.#owner(sessionKey) as SessionOwner);
  }

  async listOrphanedSessions(now: number) {
    const withWork = new Set<string>();
    for (const lease of this.#leases.values()) withWork.add(lease.sessionKey);
    for (const lease of this.#started.values()) withWork.add(lease.sessionKey);
    for (const command of this.#inbox.pending()) withWork.add(command.sessionKey);
    return [...withWork].filter((sessionKey) => (this.#owner(sessionKey)?.expiresAt ?? 0) <= now);
  }

  async postCommand(command: Omit<InboxCommand, "id" | "answer">) {
    return this.#inbox.post(command);
  }

  watchCommands(listener: (sessionKey: string) => void) {
    return this.#inbox.watch(listener);
  }

  async getCommand(id: string) {
    return this.#inbox.get(id);
  }

  async listPendingCommands(sessionKey?: string) {
    return this.#inbox.pending(sessionKey);
  }

  async answerCommand(id: string, answer: CommandAnswer, options?: WriteOptions) {
    return this.#inbox.answer(id, answer, (sessionKey) => this.#fence(sessionKey, options));
  }

  async listSessions() {
    return [...this.#sessions.values()];
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[], options?: WriteOptions) {
    this.#fence(sessionKey, options);
    const transcript = this.#transcripts.get(sessionKey) ?? [];
    transcript.push(...entries.map(frozenCopy));
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
    options?: WriteOptions & { log?: readonly JsonValue[] },
  ): Promise<StateWriteResult> {
    this.#fence(scope, options);
    const id = stateId(pluginId, scope, key);
    const current = this.#state.get(id);
    if ((current?.version ?? 0) !== expectedVersion) return { status: "conflict", current: toEntry(current) };
    const version = expectedVersion + 1;
    this.#state.set(id, { json: JSON.stringify(value), version });
    if (options?.log) this.#append(id, options.log);
    return { status: "written", version };
  }

  async deleteState(pluginId: string, scope: string, key: string, options?: WriteOptions) {
    this.#fence(scope, options);
    const id = stateId(pluginId, scope, key);
    this.#logs.delete(id);
    return this.#state.delete(id);
  }

  async appendLog(
    pluginId: string,
    scope: string,
    key: string,
    entries: readonly JsonValue[],
    options?: WriteOptions,
  ) {
    this.#fence(scope, options);
    this.#append(stateId(pluginId, scope, key), entries);
  }

  async readLog(pluginId: string, scope: string, key: string, options: { limit: number }) {
    const log = this.#logs.get(stateId(pluginId, scope, key)) ?? [];
    return log.slice(-Math.max(0, options.limit)).map((json) => JSON.parse(json) as JsonValue);
  }

  #append(id: string, entries: readonly JsonValue[]): void {
    const log = this.#logs.get(id) ?? [];
    log.push(...entries.map((entry) => JSON.stringify(entry)));
    if (log.length > maxLogEntries) log.splice(0, log.length - maxLogEntries);
    this.#logs.set(id, log);
  }

  async putLease(record: LeaseRecord, options?: WriteOptions & { ifState?: StateCondition }) {
    this.#fence(record.sessionKey, options);
    if (options?.ifState) {
      const { key, version } = options.ifState;
      const current = this.#state.get(stateId(record.pluginId, record.sessionKey, key))?.version ?? 0;
      if (current !== version) return { conflict: { version: current } };
    }
    const id = slotId(record);
    const replaced = this.#leases.get(id);
    this.#leases.set(id, frozenCopy(record));
    return { replaced };
  }

  async getLease(slot: LeaseSlot) {
    return this.#leases.get(slotId(slot));
  }

  async deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions) {
    this.#fence(slot.sessionKey, options);
    const id = slotId(slot);
    const current = this.#leases.get(id);
    if (!current || (expectedId !== undefined && current.id !== expectedId)) return undefined;
    this.#leases.delete(id);
    return current;
  }

  async deleteSessionLeases(sessionKey: string, options?: WriteOptions) {
    this.#fence(sessionKey, options);
    const deleted: LeaseRecord[] = [];
    for (const [id, lease] of this.#leases) {
      if (lease.sessionKey !== sessionKey) continue;
      this.#leases.delete(id);
      deleted.push(lease);
    }
    return deleted;
  }

  async listLeases(sessionKey?: string) {
    return [...this.#leases.values()].filter(
      (lease) => sessionKey === undefined || lease.sessionKey === sessionKey,
    );
  }

  async claimLease(slot: LeaseSlot, id: string, options?: WriteOptions) {
    const claimed = await this.deleteLease(slot, id, options);
    if (claimed) this.#started.set(claimed.id, claimed);
    return claimed;
  }

  async finishLease(id: string, options?: WriteOptions) {
    const started = this.#started.get(id);
    if (started) this.#fence(started.sessionKey, options);
    this.#started.delete(id);
  }

  async listStartedLeases(sessionKey?: string) {
    return [...this.#started.values()].filter(
      (lease) => sessionKey === undefined || lease.sessionKey === sessionKey,
    );
  }

  async close() {}

  #fence(sessionKey: string, options: WriteOptions | undefined): void {
    const fence = writeFence(sessionKey, options);
    if (fence) staleFence(this.#owner(sessionKey), sessionKey, fence);
  }

  /** A session's owner, alive until its host's expiry (0 once released). */
  #owner(sessionKey: string): SessionOwner | undefined {
    const owner = this.#owners.get(sessionKey);
    if (!owner) return undefined;
    const expiresAt = owner.released ? 0 : (this.#hosts.get(owner.ownerId) ?? 0);
    return { sessionKey, ownerId: owner.ownerId, token: owner.token, expiresAt };
  }
}

function toEntry(stored: { json: string; version: number } | undefined): StateEntry | undefined {
  return stored && { value: JSON.parse(stored.json) as JsonValue, version: stored.version };
}
