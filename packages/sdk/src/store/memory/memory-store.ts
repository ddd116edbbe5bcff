import type { JsonValue } from "../../json.js";
import type {
  AcquireResult,
  CommandAnswer,
  HostStore,
  InboxCommand,
  LeaseRecord,
  LeaseSlot,
  SessionRecord,
  StateCondition,
  StateWriteResult,
  TranscriptEntry,
  WriteOptions,
} from "../store.js";
import { awaitApplied } from "../write-after.js";
import { MemoryInbox } from "./memory-inbox.js";
import { MemoryLeases } from "./memory-leases.js";
import { MemoryOwners } from "./memory-owners.js";
import { MemorySessions } from "./memory-sessions.js";
import { MemoryState } from "./memory-state.js";
import { MemoryTranscript } from "./memory-transcript.js";

/**
 * A {@link HostStore} in process memory, for tests and demos. Plugin state is kept as JSON text, so every
 * read is a fresh copy; records and transcript entries are frozen copies, safe to share.
 */
export class MemoryStore implements HostStore {
  readonly #sessions = new MemorySessions();
  readonly #owners = new MemoryOwners();
  readonly #inbox = new MemoryInbox();
  readonly #transcript = new MemoryTranscript();
  readonly #state = new MemoryState();
  readonly #leases = new MemoryLeases();

  async getSession(sessionKey: string) {
    return this.#sessions.getSession(sessionKey);
  }

  async putSession(record: SessionRecord, options?: WriteOptions) {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(record.sessionKey, options);
    this.#sessions.putSession(record);
  }

  async listSessions(options?: { ordered?: boolean }) {
    return this.#sessions.listSessions(options?.ordered ?? true);
  }

  async acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ): Promise<AcquireResult[]> {
    return this.#owners.acquireSessions(sessionKeys, ownerId, options);
  }

  async renewSessions(ownerId: string, options: { now: number; ttlMs: number }) {
    return this.#owners.renewSessions(ownerId, options);
  }

  async releaseSessions(ownerId: string, sessionKeys?: readonly string[]) {
    this.#owners.releaseSessions(ownerId, sessionKeys);
  }

  async listOwners() {
    return this.#owners.listOwners();
  }

  async listOrphanedSessions(now: number) {
    const commands = this.#inbox.listPendingCommands().map((command) => command.sessionKey);
    return this.#owners.listOrphanedSessions(now, [...this.#leases.sessionsWithLeases(), ...commands]);
  }

  async postCommand(command: Omit<InboxCommand, "id" | "answer">) {
    return this.#inbox.postCommand(command);
  }

  watchCommands(listener: (sessionKey: string) => void) {
    return this.#inbox.watchCommands(listener);
  }

  async getCommand(id: string) {
    return this.#inbox.getCommand(id);
  }

  async listPendingCommands(sessionKey?: string) {
    return this.#inbox.listPendingCommands(sessionKey);
  }

  async answerCommand(id: string, answer: CommandAnswer, options?: WriteOptions) {
    if (options?.after) await awaitApplied(options.after);
    return this.#inbox.answerCommand(id, answer, (sessionKey) =>
      this.#owners.checkFence(sessionKey, options),
    );
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[], options?: WriteOptions) {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(sessionKey, options);
    this.#transcript.appendTranscript(sessionKey, entries);
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    return this.#transcript.readTranscript(sessionKey, options);
  }

  async readState(pluginId: string, scope: string, key: string) {
    return this.#state.readState(pluginId, scope, key);
  }

  async writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
    options?: WriteOptions & { log?: readonly JsonValue[]; json?: string },
  ): Promise<StateWriteResult> {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(scope, options);
    const json = options?.json ?? JSON.stringify(value);
    return this.#state.writeState({ pluginId, scope, key, json }, expectedVersion, options?.log);
  }

  async deleteState(pluginId: string, scope: string, key: string, options?: WriteOptions) {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(scope, options);
    return this.#state.deleteState(pluginId, scope, key);
  }

  async appendLog(
    pluginId: string,
    scope: string,
    key: string,
    entries: readonly JsonValue[],
    options?: WriteOptions,
  ) {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(scope, options);
    this.#state.appendLog(pluginId, scope, key, entries);
  }

  async readLog(pluginId: string, scope: string, key: string, options: { limit: number }) {
    return this.#state.readLog(pluginId, scope, key, options.limit);
  }

  async putLease(record: LeaseRecord, options?: WriteOptions & { ifState?: StateCondition }) {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(record.sessionKey, options);
    if (options?.ifState) {
      const current = this.#state.version(record.pluginId, record.sessionKey, options.ifState.key);
      if (current !== options.ifState.version) return { conflict: { version: current } };
    }
    return this.#leases.putLease(record);
  }

  async getLease(slot: LeaseSlot) {
    return this.#leases.getLease(slot);
  }

  async deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions) {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(slot.sessionKey, options);
    return this.#leases.deleteLease(slot, expectedId);
  }

  async deleteSessionLeases(sessionKey: string, options?: WriteOptions) {
    if (options?.after) await awaitApplied(options.after);
    this.#owners.checkFence(sessionKey, options);
    return this.#leases.deleteSessionLeases(sessionKey);
  }

  async listLeases(sessionKey?: string) {
    return this.#leases.listLeases(sessionKey);
  }

  async claimLease(slot: LeaseSlot, id: string, options?: WriteOptions) {
    // Through this.deleteLease, so a subclass that wraps it (a test's flaky store) sees claims too.
    const claimed = await this.deleteLease(slot, id, options);
    if (claimed) this.#leases.startLease(claimed);
    return claimed;
  }

  async finishLease(id: string, options?: WriteOptions) {
    if (options?.after) await awaitApplied(options.after);
    const started = this.#leases.getStartedLease(id);
    if (started) this.#owners.checkFence(started.sessionKey, options);
    this.#leases.finishLease(id);
  }

  async listStartedLeases(sessionKey?: string) {
    return this.#leases.listStartedLeases(sessionKey);
  }

  async close() {}
}
