import { type Clock, systemClock, type TimerHandle } from "../clock.js";
import { HostUsageError, SessionOwnedError } from "../errors.js";
import { EventBus, type HostEventListener, type HostEventName } from "../events.js";
import type { PluginDefinition } from "../plugin.js";
import { ContextMinter } from "../session-context.js";
import { defaultStorePath } from "../store/default-store-path.js";
import { SqliteStore } from "../store/sqlite-store.js";
import type { HostStore, LeaseRecord } from "../store/store.js";
import { admitAndRun, dropSessionLeases, emitLeaseDropped } from "./admission.js";
import { CommandInbox } from "./command-inbox.js";
import { parseCommand, runCommand } from "./commands.js";
import { ExternalTurns, turnlessModel } from "./external-turns.js";
import type { HostInternals } from "./host-internals.js";
import { defaultHostLimits, defaultSystemPrompt, type HostOptions } from "./host-options.js";
import { IdleTracker } from "./idle-tracker.js";
import { LeaseScheduler } from "./lease-scheduler.js";
import { callHooks } from "./plugin-hooks.js";
import { PluginRegistry } from "./plugin-registry.js";
import { pluginRuntime } from "./plugin-runtime.js";
import { LeaseRecovery } from "./recover-leases.js";
import { runTurn } from "./run-turn.js";
import {
  checkUserText,
  type OpenSessionOptions,
  type SendInput,
  type SendResult,
  type SessionInfo,
  sessionInfo,
} from "./session-api.js";
import { SessionOwnership } from "./session-ownership.js";
import type { SessionState } from "./session-state.js";
import { SessionTable } from "./session-table.js";
import type { TurnResult } from "./turn-result.js";

/** Starts a host: loads plugins, re-arms the store's pending leases, and is ready for sessions. */
export async function createHost(options: HostOptions): Promise<Host> {
  return Host.start(options);
}

/** The reference host runtime. Build one with {@link createHost}. */
export class Host {
  readonly #internals: HostInternals;
  readonly #sessions: SessionTable;
  readonly #ownsStore: boolean;
  #draining = false;
  #closed = false;
  #leaseSequence = 0;
  readonly #external: ExternalTurns | undefined;
  readonly #work = new IdleTracker();
  readonly #recovery: LeaseRecovery;
  readonly #ownership: SessionOwnership;
  readonly #inbox: CommandInbox;
  readonly #options: HostOptions;
  /** Sessions another process took over from this one, so their callers hear why. */
  readonly #lost = new Set<string>();
  #inboxTimer: TimerHandle | undefined;
  #unwatchCommands: (() => void) | undefined;

  private constructor(options: HostOptions) {
    this.#options = options;
    const clock: Clock = options.clock ?? systemClock;
    const events = new EventBus(() => clock.now());
    this.#ownsStore = options.store === undefined;
    // Durable by default: a host that was not given a store keeps its state in the embedded SQLite file.
    const store = options.store ?? SqliteStore.open(defaultStorePath());
    this.#ownership = new SessionOwnership(store, clock, options.ownership);
    const sessions = new SessionTable(store, this.#ownership);
    this.#sessions = sessions;
    this.#internals = {
      store,
      clock,
      events,
      minter: new ContextMinter(),
      registry: new PluginRegistry(),
      scheduler: new LeaseScheduler(clock, (lease) => this.#onLeaseDue(lease)),
      model: options.model ?? turnlessModel,
      externalTurns: options.externalTurns,
      limits: { ...defaultHostLimits, ...options.limits },
      systemPrompt: options.systemPrompt ?? defaultSystemPrompt,
      session: (sessionKey) => sessions.get(sessionKey),
      isDraining: () => this.#draining,
      pump: (session) => this.#pump(session),
      nextLeaseSequence: () => ++this.#leaseSequence,
    };
    this.#external = options.externalTurns
      ? new ExternalTurns(this.#internals, (sessionKey) => this.#openSessionState(sessionKey))
      : undefined;
    this.#recovery = new LeaseRecovery(this.#internals, sessions);
    this.#inbox = new CommandInbox(this.#internals);
  }

  /** @internal Use {@link createHost}. */
  static async start(options: HostOptions): Promise<Host> {
    if (!options.model && !options.externalTurns) {
      throw new HostUsageError({
        message: "createHost needs a model, or externalTurns when an embedding host runs the turns.",
      });
    }
    const host = new Host(options);
    try {
      for (const plugin of options.plugins ?? []) await host.loadPlugin(plugin);
      if (options.recovery !== "per-session") await host.#recovery.orphans();
    } catch (error) {
      if (host.#ownsStore) await host.#internals.store.close();
      throw error;
    }
    host.#ownership.startHeartbeat(() => host.#heartbeat());
    host.#pollInbox();
    return host;
  }

  /** This host's id among the processes sharing the store. */
  get ownerId(): string {
    return this.#ownership.ownerId;
  }

  /**
   * Takes a session over in a host started with `recovery: "per-session"`: its continuation turns that
   * another process started and never finished are reported as interrupted, its pending leases are armed
   * here. Once per session per host; later calls do nothing. Throws a one-line `SessionOwnedError` while
   * another live process owns it.
   */
  async recoverSession(sessionKey: string): Promise<void> {
    this.#assertOpen();
    await this.#work.track(this.#recovery.session(sessionKey));
  }

  /** The turn reports of an embedding host that runs the model; only with `externalTurns`. */
  get external(): ExternalTurns {
    if (!this.#external) {
      throw new HostUsageError({
        message: "host.external needs createHost({ externalTurns }); this host runs its own turns.",
      });
    }
    return this.#external;
  }

  /** The store this host reads and writes; tools like the CLI read status from it. */
  get store(): HostStore {
    return this.#internals.store;
  }

  /** Subscribes to a host event; returns the unsubscribe function. */
  on<Name extends HostEventName>(name: Name, listener: HostEventListener<Name>): () => void {
    return this.#internals.events.on(name, listener);
  }

  /** Loads a plugin; throws {@link PluginDefinitionError} before any model call if it is malformed. */
  async loadPlugin(plugin: PluginDefinition): Promise<void> {
    this.#assertOpen();
    await this.#internals.registry.load(plugin, (pluginId, load) =>
      pluginRuntime(this.#internals, pluginId, load),
    );
  }

  /** Unloads a plugin; its pending leases are dropped when they come due. */
  unloadPlugin(pluginId: string): boolean {
    return this.#internals.registry.unload(pluginId);
  }

  async openSession(options: OpenSessionOptions): Promise<SessionInfo> {
    this.#assertOpen();
    const held = this.#sessions.get(options.sessionKey)?.fence !== undefined;
    const session = await this.#sessions.open(options, this.#internals);
    this.#lost.delete(session.record.sessionKey);
    // Newly served here: whatever a previous owner left (an interrupted turn, a pending lease) is taken over.
    if (!held) await this.#work.track(this.#recovery.session(session.record.sessionKey, "opened"));
    return sessionInfo(session.record);
  }

  /**
   * Sends a person's input to a session. A command runs at once and resolves with its reply; plain text
   * queues a user turn, ahead of any continuation, and resolves when that turn ends.
   */
  async send(input: SendInput): Promise<SendResult> {
    this.#assertAcceptingInput();
    const session = this.#openSessionState(input.sessionKey);
    const { text, sender } = input;
    checkUserText(text, this.#internals.limits.maxUserTextChars);
    const command = parseCommand(text);
    if (!command && this.#internals.externalTurns) {
      throw new HostUsageError({
        message:
          "This host's turns run in the embedding host; pass only /commands here and report turns through host.external.",
      });
    }
    if (command) {
      const result = await this.#work.track(runCommand(this.#internals, session, command, sender));
      return { kind: "command", command: result };
    }
    const turn = new Promise<TurnResult>((resolve, reject) => {
      session.userQueue.push({ text, sender, resolve, reject });
    });
    await this.#work.track(
      callHooks(this.#internals, session, "user-message", (handler, context) => handler({ text }, context), {
        sender,
      }),
    );
    this.#pump(session);
    return { kind: "turn", turn: await turn };
  }

  /** Starts a new generation of the session: its leases are dropped and earlier contexts stop working. */
  async resetSession(sessionKey: string): Promise<SessionInfo> {
    this.#assertOpen();
    const session = this.#openSessionState(sessionKey);
    const previousGeneration = session.record.generation;
    session.record = { ...session.record, generation: previousGeneration + 1 };
    await this.#internals.store.putSession(session.record, { fence: session.fence });
    await dropSessionLeases(this.#internals, session, "session_reset");
    this.#internals.events.emit("session-reset", { sessionKey, generation: session.record.generation });
    await this.#work.track(
      callHooks(this.#internals, session, "session-reset", (handler, context) =>
        handler({ previousGeneration }, context),
      ),
    );
    return sessionInfo(session.record);
  }

  /** Closes a session: queued user turns are refused and its leases are dropped. */
  async closeSession(sessionKey: string): Promise<void> {
    this.#assertOpen();
    const session = this.#openSessionState(sessionKey);
    session.record = { ...session.record, closedAt: this.#internals.clock.now() };
    await this.#internals.store.putSession(session.record, { fence: session.fence });
    for (const queued of session.userQueue.splice(0)) {
      queued.reject(
        new HostUsageError({ message: `Session "${sessionKey}" was closed before this message ran.` }),
      );
    }
    await dropSessionLeases(this.#internals, session, "session_closed");
    if (!session.running) this.#sessions.forget(session);
    this.#internals.events.emit("session-closed", { sessionKey });
  }

  /** True when no turn, command or hook is running and no lease is waiting for admission. */
  isIdle(): boolean {
    return this.#work.idle;
  }

  /** Resolves once the host is idle. Pending leases whose time has not come do not count. */
  idle(): Promise<void> {
    return this.#work.whenIdle();
  }

  /**
   * Drains and stops: no new input or continuations; running and queued user turns finish. Pending leases
   * stay in the store for the next start. Closes the store only if the host created it.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#draining = true;
    this.#internals.scheduler.disarmAll();
    this.#ownership.stopHeartbeat();
    if (this.#inboxTimer) this.#internals.clock.clearTimeout(this.#inboxTimer);
    this.#unwatchCommands?.();
    for (const session of this.#sessions.values()) this.#pump(session);
    await this.idle();
    this.#closed = true;
    // Given up at once, so another process can take the sessions over without waiting for the claims to expire.
    await this.#ownership.release().catch(() => undefined);
    if (this.#ownsStore) await this.#internals.store.close();
  }

  /** Renews this host's claims; drops the sessions another process took; takes over orphans if asked to. */
  async #heartbeat(): Promise<void> {
    if (this.#draining) return;
    try {
      const held = await this.#ownership.renew();
      for (const session of [...this.#sessions.values()]) {
        if (session.fence && !held.has(session.record.sessionKey)) this.#lose(session);
      }
      if (this.#options.recovery === "continuous") await this.#work.track(this.#recovery.orphans());
    } catch (error) {
      this.#internals.events.emit("host-error", {
        message: `ownership heartbeat: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  /**
   * Applies the commands other processes post for this host's sessions: as they come, where the store can
   * tell, else every `inboxPollMs`.
   */
  #pollInbox(): void {
    const { store } = this.#internals;
    if (store.watchCommands) {
      this.#unwatchCommands = store.watchCommands((sessionKey) => {
        if (this.#draining || !this.#sessions.get(sessionKey)?.fence) return;
        void this.#work.track(this.#inbox.apply(sessionKey)).catch((error: unknown) => {
          this.#internals.events.emit("host-error", {
            message: `command inbox: ${error instanceof Error ? error.message : String(error)}`,
          });
        });
      });
      return;
    }
    const poll = () => {
      this.#inboxTimer = this.#internals.clock.setTimeout(
        () => {
          if (this.#draining) return;
          void this.#work
            .track(this.#inbox.apply())
            .catch((error: unknown) => {
              this.#internals.events.emit("host-error", {
                message: `command inbox: ${error instanceof Error ? error.message : String(error)}`,
              });
            })
            .finally(poll);
        },
        this.#options.inboxPollMs ?? 500,
        { background: true },
      );
    };
    poll();
  }

  /** Another process owns the session now: nothing more of it runs or is written here. */
  #lose(session: SessionState): void {
    const { sessionKey } = session.record;
    session.fence = undefined;
    this.#lost.add(sessionKey);
    this.#internals.scheduler.disarmSession(sessionKey);
    for (const lease of session.due.splice(0)) emitLeaseDropped(this.#internals, lease, "session_lost");
    for (const queued of session.userQueue.splice(0)) queued.reject(lostError(sessionKey));
    if (!session.running) this.#sessions.forget(session);
    this.#internals.events.emit("session-lost", { sessionKey });
  }

  #onLeaseDue(lease: LeaseRecord): void {
    const session = this.#sessions.get(lease.sessionKey);
    if (!session) return;
    session.addDue(lease);
    this.#pump(session);
  }

  #pump(session: SessionState): void {
    if (session.busy) return;
    const user = session.userQueue.shift();
    if (user) {
      session.running = true;
      const turn = runTurn(this.#internals, session, { kind: "user", text: user.text, sender: user.sender });
      turn.then(user.resolve, user.reject);
      this.#runExclusive(session, turn);
      return;
    }
    if (this.#draining) {
      for (const lease of session.due.splice(0)) emitLeaseDropped(this.#internals, lease, "host_draining");
      return;
    }
    const lease = session.takeDue();
    if (!lease) return;
    session.running = true;
    this.#runExclusive(session, this.#admit(session, lease));
  }

  /** Commands posted from other processes come first, so a stop sent from elsewhere wins over this lease. */
  async #admit(session: SessionState, lease: LeaseRecord): Promise<void> {
    await this.#inbox.apply(session.record.sessionKey);
    await admitAndRun(this.#internals, session, lease);
  }

  #runExclusive(session: SessionState, work: Promise<unknown>): void {
    void this.#work.track(
      work
        .catch((error: unknown) => {
          this.#internals.events.emit("host-error", {
            sessionKey: session.record.sessionKey,
            message: error instanceof Error ? error.message : String(error),
          });
        })
        .finally(() => {
          session.running = false;
          if (session.open) this.#pump(session);
          else this.#sessions.forget(session);
        }),
    );
  }

  #openSessionState(sessionKey: string): SessionState {
    const session = this.#sessions.get(sessionKey);
    if (!session?.fence && this.#lost.has(sessionKey)) throw lostError(sessionKey);
    if (!session?.open) {
      throw new HostUsageError({
        message: `Session ${JSON.stringify(sessionKey)} is not open; call host.openSession({ sessionKey }) first.`,
      });
    }
    return session;
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new HostUsageError({ message: "The host is closed; create a new one with createHost()." });
  }

  #assertAcceptingInput(): void {
    this.#assertOpen();
    if (this.#draining)
      throw new HostUsageError({ message: "The host is shutting down; no new input is accepted." });
  }
}

function lostError(sessionKey: string): SessionOwnedError {
  return new SessionOwnedError({
    sessionKey,
    message: `Session ${JSON.stringify(sessionKey)} was taken over by another goal-lease process while this one stalled; continue it there.`,
  });
}
