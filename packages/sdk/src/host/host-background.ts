import type { TimerHandle } from "../clock.js";
import { SessionOwnedError } from "../errors.js";
import type { CommandInbox } from "./commands/command-inbox.js";
import type { IdleTracker } from "./idle-tracker.js";
import { emitLeaseDropped } from "./leases/admission-checks.js";
import type { LeaseHost } from "./leases/lease-host.js";
import type { LeaseRecovery } from "./leases/recover-leases.js";
import type { SessionOwnership } from "./sessions/session-ownership.js";
import type { SessionState } from "./sessions/session-state.js";
import type { SessionTable } from "./sessions/session-table.js";
import type { StoreHealth } from "./store-health.js";

/** The host's parts its background work uses. */
export interface BackgroundParts {
  sessions: SessionTable;
  ownership: SessionOwnership;
  recovery: LeaseRecovery;
  inbox: CommandInbox;
  work: IdleTracker;
  health: StoreHealth;
}

/**
 * What a host does in the background while it shares a store with other processes: renews its claims on
 * its sessions, lets go of those another process took, takes over orphaned ones (`continuous`), makes its
 * sessions ready anew once a store that failed works again, and applies the commands other processes post
 * for its sessions.
 */
export class HostBackground {
  readonly #host: LeaseHost;
  readonly #parts: BackgroundParts;
  readonly #options: { continuous: boolean; inboxPollMs: number };
  /** Sessions another process took over from this one, so their callers hear why. */
  readonly #lost = new Set<string>();
  /** Sessions busy when the store came back: looked at again at the next beat. */
  #unsettled = new Set<string>();
  #inboxTimer: TimerHandle | undefined;
  #unwatchCommands: (() => void) | undefined;
  #stopped = false;

  constructor(
    host: LeaseHost,
    parts: BackgroundParts,
    options: { continuous: boolean; inboxPollMs: number },
  ) {
    this.#host = host;
    this.#parts = parts;
    this.#options = options;
  }

  start(): void {
    this.#parts.ownership.startHeartbeat(() => this.#heartbeat());
    this.#watchInbox();
  }

  stop(): void {
    this.#stopped = true;
    this.#parts.ownership.stopHeartbeat();
    if (this.#inboxTimer) this.#host.clock.clearTimeout(this.#inboxTimer);
    this.#unwatchCommands?.();
  }

  /** The error for a session another process took from this one, if it did. */
  lostError(sessionKey: string): SessionOwnedError | undefined {
    if (!this.#lost.has(sessionKey)) return undefined;
    return new SessionOwnedError({
      sessionKey,
      message: `Session ${JSON.stringify(sessionKey)} was taken over by another goal-lease process while this one stalled; continue it there.`,
    });
  }

  /**
   * Applies the commands posted for a session being opened, now; under this claim, admission need not ask
   * the store again where it tells of every post.
   */
  async applyInbox(session: SessionState): Promise<void> {
    const fence = session.fence;
    await this.#parts.inbox.apply(session.record.sessionKey);
    session.inboxCheckedUnder = fence;
  }

  /**
   * Before a continuation of `session` is admitted, what was posted for it is in force. A store that tells
   * of every post (LISTEN/NOTIFY, one process's memory) is asked once per claim on the session: after that,
   * each post is heard and applied as it comes, and admission only waits for those being applied.
   */
  async beforeAdmission(session: SessionState): Promise<void> {
    const { sessionKey } = session.record;
    const fence = session.fence;
    if (this.#unwatchCommands && fence !== undefined && session.inboxCheckedUnder === fence) {
      await this.#parts.inbox.settled(sessionKey);
      return;
    }
    await this.#parts.inbox.apply(sessionKey);
    session.inboxCheckedUnder = fence;
  }

  /** This host serves the session again (it was opened here anew). */
  regained(sessionKey: string): void {
    this.#lost.delete(sessionKey);
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped) return;
    const { sessions, ownership, recovery, work, health } = this.#parts;
    try {
      // Only sessions held before the renewal can be missing from it: one taken meanwhile is ours.
      const claimed = [...sessions.values()].filter((session) => session.fence);
      const held = await ownership.renew();
      for (const session of claimed) {
        if (session.fence && !held.has(session.record.sessionKey)) this.#lose(session);
      }
      // The renewal went through, so the store works again after a failure: what a lost write left with
      // nothing scheduled is re-armed now, not when its session is next opened. A session that was busy, or
      // every session after a failure meanwhile, is looked at again at the next beat.
      const failed = health.takeFailure();
      if (failed || this.#unsettled.size > 0) {
        this.#unsettled = await work.track(recovery.storeRecovered(failed ? undefined : this.#unsettled));
      }
      if (this.#options.continuous) await work.track(recovery.orphans());
    } catch (error) {
      this.#report("ownership heartbeat", error);
    }
  }

  /** Applies posted commands as they come, where the store can tell, else every `inboxPollMs`. */
  #watchInbox(): void {
    const { store, clock } = this.#host;
    const { sessions, inbox, work } = this.#parts;
    const apply = (sessionKey?: string) =>
      work.track(inbox.apply(sessionKey)).catch((error: unknown) => this.#report("command inbox", error));
    if (store.watchCommands) {
      this.#unwatchCommands = store.watchCommands((sessionKey) => {
        if (!this.#stopped && sessions.get(sessionKey)?.fence) void apply(sessionKey);
      });
      return;
    }
    const poll = () => {
      this.#inboxTimer = clock.setTimeout(
        () => {
          if (!this.#stopped) void apply().finally(poll);
        },
        this.#options.inboxPollMs,
        { background: true },
      );
    };
    poll();
  }

  /** Another process owns the session now: nothing more of it runs or is written here. */
  #lose(session: SessionState): void {
    const { sessionKey } = session.record;
    session.fence = undefined;
    this.#host.copies.forget(sessionKey);
    this.#lost.add(sessionKey);
    this.#parts.recovery.forget(sessionKey);
    this.#host.scheduler.disarmSession(sessionKey);
    for (const lease of session.due.splice(0)) emitLeaseDropped(this.#host, lease, "session_lost");
    for (const queued of session.userQueue.splice(0)) queued.reject(this.lostError(sessionKey));
    if (!session.running) this.#parts.sessions.forget(session);
    this.#host.events.emit("session-lost", { sessionKey });
  }

  #report(what: string, error: unknown): void {
    this.#host.events.emit("host-error", {
      message: `${what}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}
