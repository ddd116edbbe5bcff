import { SessionOwnedError } from "../../errors.js";
import type { LeaseInterruptReason } from "../../lease.js";
import type { LeaseRecord } from "../../store/store.js";
import { callHooks, callHooksToTheEnd, hostSender } from "../plugins/plugin-hooks.js";
import type { SessionState } from "../sessions/session-state.js";
import type { SessionTable } from "../sessions/session-table.js";
import { emitLeaseDropped } from "./admission-checks.js";
import type { LeaseHost } from "./lease-host.js";

/**
 * Taking over sessions whose owner is gone (a process that died, or closed with work left): continuation
 * turns that started there and never finished are recorded as interrupted, told to their plugin, and never
 * replayed; pending leases are re-armed at their due time. Sessions a live process owns are never touched,
 * so a live turn is never called interrupted. Done for every orphaned session of the store (at start, and
 * on each heartbeat with `recovery: "continuous"`), and for each session this host opens. A continuation
 * whose end a store failure kept off the record is reported by its own host once the store works again.
 */
export class LeaseRecovery {
  readonly #host: LeaseHost;
  readonly #sessions: SessionTable;
  readonly #recovered = new Set<string>();
  /** Recoveries of single sessions under way: a second open of the same session waits for the first. */
  readonly #recovering = new Map<string, Promise<void>>();

  constructor(host: LeaseHost, sessions: SessionTable) {
    this.#host = host;
    this.#sessions = sessions;
  }

  /** Takes over and recovers every session of the store that has work and no live owner. */
  async orphans(): Promise<void> {
    const orphaned = await this.#host.store.listOrphanedSessions(this.#host.clock.now());
    if (orphaned.length === 0) return;
    const adopted = await this.#sessions.adopt(orphaned);
    if (adopted.size === 0) return;
    // Read once the sessions are this host's: the process that had one may start a turn there until then.
    const live = liveLeaseIds(adopted.values());
    const started = await this.#host.store.listStartedLeases();
    const pending = await this.#host.store.listLeases();
    await this.#recover(
      adopted,
      notLive(started, liveLeaseIds(adopted.values(), live)),
      pending,
      "taken-over",
    );
  }

  /**
   * Takes over and recovers one session, the first time only; throws a one-line `SessionOwnedError` if a
   * live process owns it.
   */
  async session(sessionKey: string, reason: "opened" | "taken-over" = "taken-over"): Promise<void> {
    if (this.#recovered.has(sessionKey)) return;
    const under = this.#recovering.get(sessionKey);
    if (under) return under;
    const recovering = this.#recoverSession(sessionKey, reason);
    this.#recovering.set(sessionKey, recovering);
    try {
      await recovering;
    } finally {
      this.#recovering.delete(sessionKey);
    }
  }

  /** Another process took the session: if it comes back here, what that process left is recovered anew. */
  forget(sessionKey: string): void {
    this.#recovered.delete(sessionKey);
  }

  /**
   * The store failed and works again. Each session this host serves (of `only`, when given) that is idle
   * has its pending leases armed (one a failure kept from being armed would otherwise wait for the session
   * to be opened again) and, with none, is ready anew (`store-recovered`): a plugin re-arms there what a
   * write lost to the failure left with nothing scheduled. Resolves with the sessions that were busy (a
   * turn, a due or parked continuation, a person's message), to be looked at again.
   */
  async storeRecovered(only?: ReadonlySet<string>): Promise<Set<string>> {
    const busy = new Set<string>();
    for (const session of [...this.#sessions.values()]) {
      const { sessionKey } = session.record;
      if (!session.fence || !session.open || (only && !only.has(sessionKey))) continue;
      if (!idle(session)) {
        busy.add(sessionKey);
        continue;
      }
      // Taken before the read: a lease requested meanwhile is armed over the one read here, never under it.
      const sequence = this.#host.nextLeaseSequence();
      const live = liveLeaseIds([session]);
      const [leases, started] = await Promise.all([
        this.#host.store.listLeases(sessionKey),
        this.#host.store.listStartedLeases(sessionKey),
      ]);
      if (!idle(session)) {
        busy.add(sessionKey);
        continue;
      }
      // A turn whose end the failure kept off the record: its plugin hears it was interrupted, and counts it.
      for (const lease of notLive(started, liveLeaseIds([session], live)))
        await this.#interrupted(session, lease, "store_failed");
      const pending = leases.filter((lease) => lease.generation === session.record.generation);
      for (const lease of pending) this.#host.scheduler.arm(lease, sequence);
      if (pending.length > 0) continue;
      await callHooks(this.#host, session, "session-ready", (handler, context) =>
        handler({ reason: "store-recovered" }, context),
      );
    }
    return busy;
  }

  /**
   * A continuation that started and whose end is not on record: reported, told to its plugin, and forgotten
   * once its plugin's hook ran to its end (else the next recovery tells again).
   */
  async #interrupted(session: SessionState, lease: LeaseRecord, reason: LeaseInterruptReason): Promise<void> {
    const host = this.#host;
    const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
    host.events.emit("lease-interrupted", { sessionKey, pluginId, leaseKey, leaseId, reason });
    const told =
      !session.open ||
      session.record.generation !== lease.generation ||
      (await callHooksToTheEnd(
        host,
        session,
        "lease-interrupted",
        (handler, context) => handler({ leaseKey, leaseId, reason }, context),
        { sender: hostSender, onlyPluginId: pluginId },
      ));
    if (told) await host.store.finishLease(leaseId, { fence: session.fence });
  }

  async #recoverSession(sessionKey: string, reason: "opened" | "taken-over"): Promise<void> {
    // A session this host has just opened is claimed and loaded already: no second claim, no second read.
    const opened = reason === "opened" ? this.#sessions.get(sessionKey) : undefined;
    const adopted = opened?.fence
      ? new Map([[sessionKey, opened]])
      : await this.#sessions.adopt([sessionKey]);
    if (!adopted.has(sessionKey) && (await this.#host.store.getSession(sessionKey))) {
      const owner = (await this.#host.store.listOwners()).find((entry) => entry.sessionKey === sessionKey);
      throw new SessionOwnedError({
        sessionKey,
        message: `Session ${JSON.stringify(sessionKey)} is in use by another goal-lease process (${owner?.ownerId ?? "unknown"}); use that one.`,
      });
    }
    this.#recovered.add(sessionKey);
    const live = liveLeaseIds(adopted.values());
    const started = await this.#host.store.listStartedLeases(sessionKey);
    const pending = await this.#host.store.listLeases(sessionKey);
    await this.#recover(adopted, notLive(started, liveLeaseIds(adopted.values(), live)), pending, reason);
  }

  async #recover(
    adopted: ReadonlyMap<string, SessionState>,
    started: readonly LeaseRecord[],
    pending: readonly LeaseRecord[],
    reason: "opened" | "taken-over",
  ): Promise<void> {
    if (adopted.size === 0) return;
    const host = this.#host;
    for (const lease of started) {
      const session = adopted.get(lease.sessionKey);
      if (session) await this.#interrupted(session, lease, "process_ended");
    }
    const armed = new Set<string>();
    for (const lease of pending) {
      const session = adopted.get(lease.sessionKey);
      if (!session) continue;
      if (session.open && session.record.generation === lease.generation) {
        host.scheduler.arm(lease, host.nextLeaseSequence());
        armed.add(lease.sessionKey);
        continue;
      }
      await host.store.deleteLease(lease, lease.id, { fence: session.fence });
      emitLeaseDropped(host, lease, session.open ? "session_reset" : "session_closed");
    }
    for (const [sessionKey, session] of adopted) {
      // Recovered once: opening it later must not take this host's own turns there for a dead one's.
      this.#recovered.add(sessionKey);
      if (!session.open || armed.has(sessionKey)) continue;
      await callHooks(host, session, "session-ready", (handler, context) => handler({ reason }, context));
    }
  }
}

/**
 * The continuations claimed in these sessions whose turns are this host's (being admitted, running, or
 * finishing): never reported interrupted. `also` adds ids found before.
 */
function liveLeaseIds(sessions: Iterable<SessionState>, also: ReadonlySet<string> = new Set()): Set<string> {
  const ids = new Set(also);
  // No array per session: a recovery at start goes through every session it took over, twice.
  for (const session of sessions) {
    const { admitting, parked, delivered, started, externalTurn } = session;
    if (admitting) ids.add(admitting.id);
    if (parked) ids.add(parked.id);
    if (delivered) ids.add(delivered.id);
    if (started) ids.add(started.id);
    if (externalTurn?.identity.lease) ids.add(externalTurn.identity.lease.id);
  }
  return ids;
}

function notLive(started: readonly LeaseRecord[], live: ReadonlySet<string>): LeaseRecord[] {
  return started.filter((lease) => !live.has(lease.id));
}

/** No turn runs or waits in the session, and no continuation is due, being admitted or parked there. */
function idle(session: SessionState): boolean {
  const { busy, userWaiting, due, admitting, parked } = session;
  return !busy && !userWaiting && due.length === 0 && !admitting && !parked;
}
