import { HostUsageError } from "../errors.js";
import type { HostStore, SessionRecord } from "../store/store.js";
import type { HostInternals } from "./host-internals.js";
import { checkOpenSessionOptions, type OpenSessionOptions } from "./session-api.js";
import { SessionState } from "./session-state.js";

/** The open sessions this host holds in memory, loaded from the store on demand. Closed ones are not kept. */
export class SessionTable {
  readonly #sessions = new Map<string, SessionState>();
  readonly #store: HostStore;

  constructor(store: HostStore) {
    this.#store = store;
  }

  get(sessionKey: string): SessionState | undefined {
    return this.#sessions.get(sessionKey);
  }

  /** Holds a new state for `record`, replacing whatever was held for its key. */
  add(record: SessionRecord): SessionState {
    const session = new SessionState(record);
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

  /** The held session, else the stored one (held only if it is open). */
  async load(sessionKey: string): Promise<SessionState | undefined> {
    const held = this.#sessions.get(sessionKey);
    if (held) return held;
    const record = await this.#store.getSession(sessionKey);
    if (!record) return undefined;
    return record.closedAt === undefined ? this.add(record) : new SessionState(record);
  }

  /** Loads the open sessions among `sessionKeys` in one query, so a large recovery does not query per key. */
  async loadMany(sessionKeys: ReadonlySet<string>): Promise<void> {
    for (const record of await this.#store.listSessions()) {
      const wanted = sessionKeys.has(record.sessionKey) && record.closedAt === undefined;
      if (wanted && !this.#sessions.has(record.sessionKey)) this.add(record);
    }
  }

  /**
   * Opens a session: an open one is returned as it is (its agent cannot change), a closed or new one starts
   * a new generation, so contexts from before it closed stay dead.
   */
  async open(
    options: OpenSessionOptions,
    host: Pick<HostInternals, "clock" | "events">,
  ): Promise<SessionState> {
    const { sessionKey, agentId, channel } = checkOpenSessionOptions(options);
    const session = await this.load(sessionKey);
    if (session?.open) {
      if (options.agentId !== undefined && session.record.agentId !== agentId) {
        throw new HostUsageError({
          message: `Session "${sessionKey}" belongs to agent "${session.record.agentId}"; open another session key for "${agentId}".`,
        });
      }
      return session;
    }
    const record: SessionRecord = {
      sessionKey,
      agentId: session?.record.agentId ?? agentId,
      channel: session?.record.channel ?? channel,
      generation: (session?.record.generation ?? 0) + 1,
      createdAt: host.clock.now(),
    };
    await this.#store.putSession(record);
    host.events.emit("session-opened", { sessionKey, agentId: record.agentId, channel: record.channel });
    return this.add(record);
  }
}
