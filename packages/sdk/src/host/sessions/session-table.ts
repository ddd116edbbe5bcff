import type { Clock } from "../../clock.js";
import { HostUsageError } from "../../errors.js";
import type { EventBus } from "../../events.js";
import type { Fence, HostStore, SessionRecord } from "../../store/store.js";
import { checkOpenSessionOptions, type OpenSessionOptions } from "./session-api.js";
import type { SessionOwnership } from "./session-ownership.js";
import { SessionState } from "./session-state.js";

/**
 * The open sessions this host owns and holds in memory, loaded from the store on demand. Closed ones are
 * not kept. A session is held only with this host's fence on it.
 */
export class SessionTable {
  readonly #sessions = new Map<string, SessionState>();
  readonly #store: HostStore;
  readonly #ownership: SessionOwnership;

  constructor(store: HostStore, ownership: SessionOwnership) {
    this.#store = store;
    this.#ownership = ownership;
  }

  get(sessionKey: string): SessionState | undefined {
    return this.#sessions.get(sessionKey);
  }

  /** Holds a new state for `record`, owned through `fence`, replacing whatever was held for its key. */
  add(record: SessionRecord, fence: Fence): SessionState {
    const session = new SessionState(record);
    session.fence = fence;
    this.#sessions.set(record.sessionKey, session);
    return session;
  }

  /** Forgets `session`, unless its key already holds a newer state. */
  forget(session: SessionState): void {
    if (this.#sessions.get(session.record.sessionKey) === session)
      this.#sessions.delete(session.record.sessionKey);
  }

  values(): IterableIterator<SessionState> {
    return this.#sessions.values();
  }

  /**
   * Takes over the sessions among `sessionKeys` that no live process owns, in one transaction, and loads
   * their records in one query, so a large recovery does not query per key. Returns the sessions taken,
   * closed ones included (not held, but fenced for the writes that finish them).
   */
  async adopt(sessionKeys: readonly string[]): Promise<Map<string, SessionState>> {
    const fences = new Map<string, Fence>();
    const results = await this.#ownership.acquire(sessionKeys);
    for (let index = 0; index < results.length; index++) {
      const result = results[index];
      if (result?.status === "acquired") fences.set(sessionKeys[index] as string, result.fence);
    }
    const adopted = new Map<string, SessionState>();
    if (fences.size === 0) return adopted;
    const records =
      fences.size === 1
        ? [await this.#store.getSession([...fences.keys()][0] as string)]
        : await this.#store.listSessions({ ordered: false });
    for (const record of records) {
      const fence = record && fences.get(record.sessionKey);
      if (!record || !fence) continue;
      const held = this.#sessions.get(record.sessionKey);
      if (held) held.fence = fence;
      const session =
        held ?? (record.closedAt === undefined ? this.add(record, fence) : new SessionState(record));
      session.fence = fence;
      adopted.set(record.sessionKey, session);
    }
    return adopted;
  }

  /**
   * Opens a session: an open one is returned as it is (its agent cannot change), a closed or new one starts
   * a new generation, so contexts from before it closed stay dead. A session another live process owns is
   * refused with a one-line `SessionOwnedError`.
   */
  async open(options: OpenSessionOptions, host: { clock: Clock; events: EventBus }): Promise<SessionState> {
    const { sessionKey, agentId, channel } = checkOpenSessionOptions(options);
    const held = this.#sessions.get(sessionKey);
    const fence = held?.fence ?? (await this.#ownership.acquireOne(sessionKey));
    const stored = held ? held.record : await this.#store.getSession(sessionKey);
    if (stored && stored.closedAt === undefined) {
      if (options.agentId !== undefined && stored.agentId !== agentId) {
        throw new HostUsageError({
          message: `Session "${sessionKey}" belongs to agent "${stored.agentId}"; open another session key for "${agentId}".`,
        });
      }
      return held ?? this.add(stored, fence);
    }
    const record: SessionRecord = {
      sessionKey,
      agentId: stored?.agentId ?? agentId,
      channel: stored?.channel ?? channel,
      generation: (stored?.generation ?? 0) + 1,
      createdAt: host.clock.now(),
    };
    await this.#store.putSession(record, { fence });
    host.events.emit("session-opened", { sessionKey, agentId: record.agentId, channel: record.channel });
    return this.add(record, fence);
  }
}
