import { type Clock, systemClock } from "../clock.js";
import { HostUsageError } from "../errors.js";
import { EventBus, type HostEventListener, type HostEventName } from "../events.js";
import type { ControlResult, PluginDefinition } from "../plugin.js";
import { defaultPrices } from "../pricing/default-prices.js";
import { ContextMinter, type Sender } from "../session-context.js";
import { defaultStoreLocation, openStore } from "../store/open-store.js";
import type { HostStore, LeaseRecord } from "../store/store.js";
import { CommandInbox } from "./commands/command-inbox.js";
import { parseCommand, runCommand } from "./commands/commands.js";
import { type ControlRequest, runControl } from "./commands/controls.js";
import { HostBackground } from "./host-background.js";
import { defaultHostLimits, defaultSystemPrompt, type HostOptions } from "./host-options.js";
import { IdleTracker } from "./idle-tracker.js";
import { LeaseScheduler } from "./leases/lease-scheduler.js";
import { LeaseRecovery } from "./leases/recover-leases.js";
import { closeSession, resetSession } from "./leases/session-lifecycle.js";
import { pluginRuntime } from "./plugin-runtime.js";
import { callHooks } from "./plugins/plugin-hooks.js";
import { PluginRegistry } from "./plugins/plugin-registry.js";
import { OwnerCache } from "./sessions/owner-cache.js";
import {
  checkUserText,
  type OpenSessionOptions,
  type SendInput,
  type SendResult,
  type SessionInfo,
  sessionInfo,
} from "./sessions/session-api.js";
import { SessionOwnership } from "./sessions/session-ownership.js";
import type { SessionState } from "./sessions/session-state.js";
import { SessionTable } from "./sessions/session-table.js";
import type { TurnResult } from "./sessions/turn-result.js";
import { StoreHealth } from "./store-health.js";
import { ExternalTurns, turnlessModel } from "./turns/external-turns.js";
import { SessionQueue } from "./turns/session-queue.js";
import type { TurnHost } from "./turns/turn-host.js";

/** Starts a host: loads plugins, re-arms the store's pending leases, and is ready for sessions. */
export async function createHost(options: HostOptions): Promise<Host> {
  return Host.start(options);
}

/** The reference host runtime. Build one with {@link createHost}. */
export class Host {
  readonly #internals: TurnHost;
  readonly #sessions: SessionTable;
  readonly #ownsStore: boolean;
  #draining = false;
  #closed = false;
  #leaseSequence = 0;
  readonly #external: ExternalTurns | undefined;
  readonly #work = new IdleTracker();
  readonly #recovery: LeaseRecovery;
  readonly #ownership: SessionOwnership;
  readonly #background: HostBackground;
  readonly #queue: SessionQueue;

  private constructor(options: HostOptions, given: HostStore, ownsStore: boolean) {
    const health = new StoreHealth(given);
    const { store } = health;
    const clock: Clock = options.clock ?? systemClock;
    const events = new EventBus(() => clock.now());
    this.#ownsStore = ownsStore;
    this.#ownership = new SessionOwnership(store, clock, options.ownership);
    const sessions = new SessionTable(store, this.#ownership);
    this.#sessions = sessions;
    this.#internals = {
      store,
      clock,
      events,
      minter: new ContextMinter(),
      copies: new OwnerCache(),
      registry: new PluginRegistry(),
      scheduler: new LeaseScheduler(clock, (lease) => this.#onLeaseDue(lease)),
      model: options.model ?? turnlessModel,
      externalTurns: options.externalTurns,
      limits: { ...defaultHostLimits, ...options.limits },
      systemPrompt: options.systemPrompt ?? defaultSystemPrompt,
      prices: options.prices ?? defaultPrices,
      telemetry: { sessionKeys: "hashed", ...options.telemetry },
      session: (sessionKey) => sessions.get(sessionKey),
      isDraining: () => this.#draining,
      pump: (session) => this.#pump(session),
      nextLeaseSequence: () => ++this.#leaseSequence,
    };
    this.#external = options.externalTurns
      ? new ExternalTurns(this.#internals, (sessionKey) => this.#openSessionState(sessionKey))
      : undefined;
    this.#recovery = new LeaseRecovery(this.#internals, sessions);
    const parts = {
      sessions,
      ownership: this.#ownership,
      recovery: this.#recovery,
      inbox: new CommandInbox(this.#internals),
      work: this.#work,
      health,
    };
    this.#queue = new SessionQueue(this.#internals, this.#work, {
      beforeAdmission: (session) => this.#background.beforeAdmission(session),
      closed: (session) => sessions.forget(session),
    });
    this.#background = new HostBackground(this.#internals, parts, {
      continuous: options.recovery === "continuous",
      inboxPollMs: options.inboxPollMs ?? 500,
    });
  }

  /** @internal Use {@link createHost}. */
  static async start(options: HostOptions): Promise<Host> {
    if (!options.model && !options.externalTurns) {
      throw new HostUsageError({
        message: "createHost needs a model, or externalTurns when an embedding host runs the turns.",
      });
    }
    // Durable by default: a host that was not given a store keeps its state where GOAL_LEASE_STORE says,
    // else in the embedded SQLite file.
    const store = options.store ?? (await openStore(defaultStoreLocation()));
    const host = new Host(options, store, options.store === undefined);
    try {
      for (const plugin of options.plugins ?? []) await host.loadPlugin(plugin);
      if (options.recovery !== "per-session") await host.#recovery.orphans();
    } catch (error) {
      if (host.#ownsStore) await host.#internals.store.close();
      throw error;
    }
    host.#background.start();
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
      pluginRuntime(this.#internals, this.#work, pluginId, load),
    );
  }

  /** Unloads a plugin; its pending leases are dropped when they come due. */
  unloadPlugin(pluginId: string): boolean {
    return this.#internals.registry.unload(pluginId);
  }

  /**
   * Opens a session (made if new) and serves it in this host: the first time, what a gone process left is
   * taken over. The commands other processes queued for it are applied, in order, each emitting
   * `command-forwarded`, before this resolves. Throws a one-line `SessionOwnedError` while another live
   * process serves it.
   */
  async openSession(options: OpenSessionOptions): Promise<SessionInfo> {
    this.#assertOpen();
    const held = this.#sessions.get(options.sessionKey)?.fence !== undefined;
    const session = await this.#sessions.open(options, this.#internals);
    this.#background.regained(session.record.sessionKey);
    const { sessionKey } = session.record;
    // Newly served here: whatever a previous owner left (an interrupted turn, a pending lease) is taken over.
    if (!held) await this.#work.track(this.#recovery.session(sessionKey, "opened"));
    // What other processes queued is in force before the opener does anything, also where this host took
    // the session over at its start and its inbox poll has not come round yet.
    await this.#work.track(this.#background.applyInbox(session));
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

  /**
   * Applies a plugin's control (a change as data: plugin, verb, input) in a session this host serves, for
   * `sender`: what a change sent from another process runs as here. Resolves with the reply and whether
   * the change is in force; it never throws for a change the plugin refused or could not read.
   */
  async control(input: ControlRequest & { sessionKey: string; sender: Sender }): Promise<ControlResult> {
    this.#assertAcceptingInput();
    const session = this.#openSessionState(input.sessionKey);
    const { pluginId, verb, input: data, sender } = input;
    return this.#work.track(runControl(this.#internals, session, { pluginId, verb, input: data }, sender));
  }

  /** Starts a new generation of the session: its leases are dropped and earlier contexts stop working. */
  async resetSession(sessionKey: string): Promise<SessionInfo> {
    this.#assertOpen();
    const session = this.#openSessionState(sessionKey);
    await this.#work.track(resetSession(this.#internals, session));
    return sessionInfo(session.record);
  }

  /** Closes a session: queued user turns are refused and its leases are dropped. */
  async closeSession(sessionKey: string): Promise<void> {
    this.#assertOpen();
    const session = this.#openSessionState(sessionKey);
    await closeSession(this.#internals, session);
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
    this.#background.stop();
    for (const session of this.#sessions.values()) this.#pump(session);
    await this.idle();
    this.#closed = true;
    // Given up at once, so another process can take the sessions over without waiting for the claims to expire.
    await this.#ownership.release().catch(() => undefined);
    if (this.#ownsStore) await this.#internals.store.close();
  }

  #onLeaseDue(lease: LeaseRecord): void {
    const session = this.#sessions.get(lease.sessionKey);
    if (!session) return;
    session.addDue(lease);
    this.#pump(session);
  }

  #pump(session: SessionState): void {
    this.#queue.pump(session);
  }

  #openSessionState(sessionKey: string): SessionState {
    const session = this.#sessions.get(sessionKey);
    const lost = session?.fence ? undefined : this.#background.lostError(sessionKey);
    if (lost) throw lost;
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
