import { HostUsageError, StoreUnavailableError } from "../../errors.js";
import type { JsonValue } from "../../json.js";
import type {
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
import { awaitApplied, notAppliedError } from "../write-after.js";
import { type Query, SqliteConnection } from "./sqlite-connection.js";
import * as inbox from "./sqlite-inbox.js";
import * as leases from "./sqlite-leases.js";
import { openDatabase, prepareFile, type SqliteStoreOptions } from "./sqlite-open.js";
import * as owners from "./sqlite-owners.js";
import * as sessions from "./sqlite-sessions.js";
import * as state from "./sqlite-state.js";
import * as transcript from "./sqlite-transcript.js";

/**
 * The durable {@link HostStore}: one SQLite file in WAL mode through Node's built-in `node:sqlite`. Each
 * method resolves only after what it wrote (or read) is committed. Writes run in `BEGIN IMMEDIATE`
 * transactions, so two writers, in this process or another, never both win; the writes of one event-loop
 * turn share one transaction (group commit), each in a savepoint of its own, so one that fails changes
 * nothing and the others still commit.
 */
export class SqliteStore implements HostStore {
  readonly path: string;
  readonly #connection: SqliteConnection;
  #closed = false;

  private constructor(path: string, connection: SqliteConnection) {
    // JavaScript can call a private constructor; say what to call instead of failing later.
    if (typeof path !== "string" || connection === undefined) {
      throw new HostUsageError({
        message: "Open a store with SqliteStore.open(path), not new SqliteStore(...).",
      });
    }
    this.path = path;
    this.#connection = connection;
  }

  /**
   * Opens (creating or migrating) the store at `path`; throws a one-line error naming the file on failure.
   * Stores this process opens on one file share its connection (the first one's options hold).
   */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const writable = path !== ":memory:" && !options.readOnly;
    if (writable) prepareFile(path);
    return new SqliteStore(
      path,
      SqliteConnection.acquire(path, writable, () => openDatabase(path, options)),
    );
  }

  async getSession(sessionKey: string) {
    return this.#read(() => sessions.getSession(this.#query, sessionKey));
  }

  async putSession(record: SessionRecord, options?: WriteOptions) {
    await this.#write(record.sessionKey, options, () => sessions.putSession(this.#query, record));
  }

  async listSessions(options?: { ordered?: boolean }) {
    return this.#read(() => sessions.listSessions(this.#query, options?.ordered ?? true));
  }

  async acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ) {
    return this.#write(undefined, undefined, () =>
      owners.acquireSessions(this.#query, sessionKeys, ownerId, options),
    );
  }

  async renewSessions(ownerId: string, options: { now: number; ttlMs: number }) {
    return this.#write(undefined, undefined, () => owners.renewSessions(this.#query, ownerId, options));
  }

  async releaseSessions(ownerId: string, sessionKeys?: readonly string[]) {
    await this.#write(undefined, undefined, () => owners.releaseSessions(this.#query, ownerId, sessionKeys));
  }

  async listOwners() {
    return this.#read(() => owners.listOwners(this.#query));
  }

  async listOrphanedSessions(now: number) {
    return this.#read(() => owners.listOrphanedSessions(this.#query, now));
  }

  async postCommand(command: Omit<InboxCommand, "id" | "answer">) {
    return this.#write(undefined, undefined, () => inbox.postCommand(this.#query, command));
  }

  async getCommand(id: string) {
    return this.#read(() => inbox.getCommand(this.#query, id));
  }

  async listPendingCommands(sessionKey?: string) {
    return this.#read(() => inbox.listPendingCommands(this.#query, sessionKey));
  }

  async answerCommand(id: string, answer: CommandAnswer, options?: WriteOptions) {
    return this.#write(undefined, { after: options?.after }, () => {
      const command = inbox.getCommand(this.#query, id);
      if (!command) return false;
      owners.checkFence(this.#query, command.sessionKey, options);
      return inbox.answerCommand(this.#query, id, answer);
    });
  }

  async appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[], options?: WriteOptions) {
    await this.#write(sessionKey, options, () =>
      transcript.appendTranscript(this.#query, sessionKey, entries),
    );
  }

  async readTranscript(sessionKey: string, options: { generation: number; limit: number }) {
    return this.#read(() => transcript.readTranscript(this.#query, sessionKey, options));
  }

  async readState(pluginId: string, scope: string, key: string) {
    return this.#read(() => state.readState(this.#query, pluginId, scope, key));
  }

  // Not async: its answer itself is what a later write names as `after`.
  writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
    options?: WriteOptions & { log?: readonly JsonValue[]; json?: string },
  ): Promise<StateWriteResult> {
    return this.#tracked(
      scope,
      options,
      (result) => result.status === "written",
      () => {
        const json = options?.json ?? JSON.stringify(value);
        const result = state.writeState(this.#query, { pluginId, scope, key, json }, expectedVersion);
        if (result.status === "written" && options?.log) {
          state.appendLog(this.#query, { pluginId, scope, key }, options.log);
        }
        return result;
      },
    );
  }

  async deleteState(pluginId: string, scope: string, key: string, options?: WriteOptions) {
    return this.#write(scope, options, () => {
      state.deleteLog(this.#query, { pluginId, scope, key });
      return state.deleteState(this.#query, pluginId, scope, key);
    });
  }

  async appendLog(
    pluginId: string,
    scope: string,
    key: string,
    entries: readonly JsonValue[],
    options?: WriteOptions,
  ) {
    await this.#write(scope, options, () => state.appendLog(this.#query, { pluginId, scope, key }, entries));
  }

  async readLog(pluginId: string, scope: string, key: string, options: { limit: number }) {
    return this.#read(() => state.readLog(this.#query, { pluginId, scope, key }, options.limit));
  }

  async putLease(record: LeaseRecord, options?: WriteOptions & { ifState?: StateCondition }) {
    return this.#write(record.sessionKey, options, () =>
      leases.putLease(this.#query, record, options?.ifState),
    );
  }

  async getLease(slot: LeaseSlot) {
    return this.#read(() => leases.getLease(this.#query, slot));
  }

  async deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions) {
    return this.#write(slot.sessionKey, options, () => leases.deleteLease(this.#query, slot, expectedId));
  }

  async deleteSessionLeases(sessionKey: string, options?: WriteOptions) {
    return this.#write(sessionKey, options, () => leases.deleteSessionLeases(this.#query, sessionKey));
  }

  async listLeases(sessionKey?: string) {
    return this.#read(() => leases.listLeases(this.#query, "leases", sessionKey));
  }

  // Not async: its answer itself is what a later write names as `after`.
  claimLease(slot: LeaseSlot, id: string, options?: WriteOptions): Promise<LeaseRecord | undefined> {
    return this.#tracked(
      slot.sessionKey,
      options,
      (claimed) => claimed !== undefined,
      () => leases.claimLease(this.#query, slot, id),
    );
  }

  async finishLease(id: string, options?: WriteOptions) {
    await this.#write(undefined, { after: options?.after }, () =>
      leases.finishLease(this.#query, id, options),
    );
  }

  async listStartedLeases(sessionKey?: string) {
    return this.#read(() => leases.listLeases(this.#query, "started_leases", sessionKey));
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.release();
  }

  #run<T>(work: () => T): T {
    if (this.#closed || !this.#connection.db.isOpen) {
      throw new StoreUnavailableError({
        message: `${this.path}: the store is closed; open it again to use it.`,
      });
    }
    try {
      return work();
    } catch (error) {
      throw this.#connection.failure(error);
    }
  }

  readonly #query: Query = (sql) => this.#connection.statement(sql);

  /** What each state write or claim did, in which group, by its answer: for a write made `after` it. */
  readonly #made = new WeakMap<Promise<unknown>, { group: Promise<void> | undefined; applied: boolean }>();

  /** {@link #write}, whose answer a later write may name as its `after`: `applied` says what it did. */
  #tracked<T>(
    sessionKey: string,
    options: WriteOptions | undefined,
    applied: (result: T) => boolean,
    work: () => T,
  ): Promise<T> {
    let ran = false;
    let did = false;
    let answer: Promise<T>;
    try {
      answer = this.#write(sessionKey, options, () => {
        ran = true;
        const result = work();
        did = applied(result);
        return result;
      });
    } catch (error) {
      ran = true;
      answer = Promise.reject(error);
    }
    // One that waits for a write of its own `after` is not made yet: a write after it waits for its answer.
    if (ran) this.#made.set(answer, { group: this.#connection.group.open, applied: did });
    return answer;
  }

  /** A read; inside an open group commit it may see that commit's writes, so it answers once they are committed. */
  #read<T>(work: () => T): T | Promise<T> {
    return this.#connection.group.settled(this.#run(work));
  }

  /** A write in this turn's group commit; with a fence, applied only if the fence is still the session's owner. */
  #write<T>(sessionKey: string | undefined, options: WriteOptions | undefined, work: () => T): Promise<T> {
    if (options?.after) {
      const { after, ...rest } = options;
      // Made in the group open now: known already, and this write goes in the same group (if that one's
      // commit fails, so does this one's). Otherwise it waits for that one's answer, then joins a group.
      const made = this.#made.get(after);
      if (made === undefined || made.group !== this.#connection.group.open) {
        return awaitApplied(after).then(() => this.#write(sessionKey, rest, work));
      }
      if (!made.applied) return Promise.reject(notAppliedError());
      return this.#write(sessionKey, rest, work);
    }
    return this.#run(() =>
      this.#connection.write(() => {
        if (sessionKey !== undefined) owners.checkFence(this.#query, sessionKey, options);
        return work();
      }),
    );
  }
}
