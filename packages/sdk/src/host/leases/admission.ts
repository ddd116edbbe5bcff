import type { LeaseDropReason } from "../../lease.js";
import type { TurnCeiling } from "../../plugin.js";
import type { Fence, LeaseRecord } from "../../store/store.js";
import type { SessionState } from "../sessions/session-state.js";
import { askPlugin, emitLeaseDropped, giveWay, staleReason } from "./admission-checks.js";
import { withdrawUnstarted } from "./delivery.js";
import type { ExternalTurnRunner } from "./external-turn-runner.js";
import type { LeaseHost } from "./lease-host.js";

/** Drops every lease of a session (pending, armed, due, or claimed and not started) with `reason`. */
export async function dropSessionLeases(
  host: LeaseHost,
  session: SessionState,
  reason: LeaseDropReason,
): Promise<void> {
  const { sessionKey } = session.record;
  host.scheduler.disarmSession(sessionKey);
  const dropped = new Map<string, LeaseRecord>();
  for (const lease of session.due.splice(0)) dropped.set(lease.id, lease);
  await session.changingLeases(async () => {
    for (const lease of await host.store.deleteSessionLeases(sessionKey, { fence: session.fence }))
      dropped.set(lease.id, lease);
    const unstarted = await withdrawUnstarted(host, session);
    if (unstarted) dropped.set(unstarted.id, unstarted);
  });
  for (const lease of dropped.values()) emitLeaseDropped(host, lease, reason);
}

/**
 * How a continuation's turn claims its lease as it starts, once its prompt is built: the claim and the
 * turn's input go to the store together (the input written only if the claim is), and the turn starts as
 * they are sent, so nothing slips in between the last check and its start; its model is called only once
 * the claim is answered.
 */
export interface ClaimAtStart {
  /** The last check, with nothing awaited between it and the claim: whether the turn starts now. */
  begin(): boolean;
  /** The claim was answered (undefined: the lease was no longer the slot's): whether the turn goes on. */
  answered(claimed: LeaseRecord | undefined): boolean;
}

/**
 * Runs an admitted continuation's turn, with the ceilings its plugin set; the turn claims the lease as it
 * starts. Resolves with whether the turn started and whether its end is on record (its reply, and every
 * plugin's account of it).
 */
export type RunContinuation = (
  lease: LeaseRecord,
  admitted: TurnCeiling,
  claim: ClaimAtStart,
) => Promise<{ started: boolean; recorded: boolean }>;

/**
 * Admission: re-checks a due lease at the moment its turn would start, asks its plugin, and claims it in the
 * store so it can run only once: with the turn's input as the turn starts (`runContinuation` runs it), or
 * first, when the embedding host runs the turn. A clear, a reset or a drain that lands at any point before
 * the turn starts wins: the lease is dropped and never runs. A person's message that arrives at any point
 * before the turn starts goes first: the lease waits for the session to be idle again (one claimed already
 * is parked, and admitted anew then).
 */
export async function admitAndRun(
  host: LeaseHost,
  session: SessionState,
  lease: LeaseRecord,
  runContinuation: RunContinuation,
): Promise<void> {
  // Every write of the admission carries the claim it began under, so a process that loses the session
  // meanwhile writes nothing there.
  const fence = session.fence;
  const stale = staleReason(host, session, lease);
  if (stale === "host_draining") {
    emitLeaseDropped(host, lease, stale);
    return;
  }
  if (stale) {
    await host.store.deleteLease(lease, lease.id, { fence });
    emitLeaseDropped(host, lease, stale);
    return;
  }
  if (session.userWaiting) {
    giveWay(session, lease);
    return;
  }
  session.admitting = lease;
  const external = host.externalTurns;
  if (!external) {
    await admitToRun(host, session, lease, fence, runContinuation);
    return;
  }
  let claimed: LeaseRecord | undefined;
  try {
    claimed = await host.store.claimLease(lease, lease.id, { fence });
  } finally {
    if (!claimed && session.admitting === lease) session.admitting = undefined;
  }
  if (!claimed) {
    emitLeaseDropped(host, lease, "not_current");
    return;
  }
  await deliverClaimed(host, session, { admitting: lease, claimed }, fence, external);
}

/**
 * Asks the plugin of a lease not claimed yet and runs its turn, which claims it as it starts (with its
 * input, one round trip): a clear, a reset or a person's message before that still wins.
 */
async function admitToRun(
  host: LeaseHost,
  session: SessionState,
  lease: LeaseRecord,
  fence: Fence | undefined,
  runContinuation: RunContinuation,
): Promise<void> {
  let ran = { started: false, recorded: false };
  let dropped: LeaseDropReason | undefined;
  try {
    const admission = await askPlugin(host, session, lease);
    // Unless withdrawn meanwhile by a clear, a replacement or a reset: its own event was emitted then.
    if (admission === "declined") dropped = session.admitting === lease ? "plugin_declined" : undefined;
    else
      ran = await runContinuation(lease, admission, {
        begin: () => {
          if (session.admitting !== lease) return false;
          session.admitting = undefined;
          if (session.userWaiting) {
            giveWay(session, lease);
            return false;
          }
          dropped = staleReason(host, session, lease);
          if (dropped) return false;
          session.started = lease;
          const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
          host.events.emit("lease-admitted", { sessionKey, pluginId, leaseKey, leaseId });
          return true;
        },
        answered: (claimed) => {
          if (!claimed) emitLeaseDropped(host, lease, "not_current");
          return claimed !== undefined;
        },
      });
  } finally {
    if (session.admitting === lease) session.admitting = undefined;
    if (ran.started) finishRun(host, session, { lease, fence }, ran.recorded);
  }
  if (dropped && dropped !== "host_draining") await host.store.deleteLease(lease, lease.id, { fence });
  if (dropped) emitLeaseDropped(host, lease, dropped);
}

/**
 * A continuation's turn ended. On record, its started lease is forgotten by a write issued now and not
 * awaited: the session's next claim goes to the store with it (one group commit), and the queue awaits it.
 * Not on record (the store failed, or a turn-end hook did), a plugin's account of it (a goal's turn count)
 * may be missing: the lease stays started, and the next recovery tells its plugin the turn was interrupted,
 * once the store works again (or when another process takes the session).
 */
function finishRun(
  host: LeaseHost,
  session: SessionState,
  turn: { lease: LeaseRecord; fence: Fence | undefined },
  recorded: boolean,
): void {
  const { lease, fence } = turn;
  if (!recorded) {
    session.started = undefined;
    return;
  }
  session.finishing = host.store.finishLease(lease.id, { fence }).finally(() => {
    if (session.started?.id === lease.id) session.started = undefined;
  });
}

/**
 * Admits again a continuation that was claimed, then gave way to a person's message (only a continuation
 * handed to an embedding host is claimed before its turn starts).
 */
export async function admitParked(host: LeaseHost, session: SessionState, lease: LeaseRecord): Promise<void> {
  const external = host.externalTurns;
  if (!external) return;
  session.admitting = lease;
  await deliverClaimed(host, session, { admitting: lease, claimed: lease }, session.fence, external);
}

/**
 * Asks the claimed lease's plugin, re-checks everything that may have changed meanwhile, and hands its turn
 * to the embedding host; the lease stays started until that turn's end is reported.
 */
async function deliverClaimed(
  host: LeaseHost,
  session: SessionState,
  lease: { admitting: LeaseRecord; claimed: LeaseRecord },
  fence: Fence | undefined,
  external: ExternalTurnRunner,
): Promise<void> {
  const { admitting, claimed } = lease;
  const admission = await askPlugin(host, session, claimed);
  const declined = admission === "declined";
  // Withdrawn meanwhile by a clear, a replacement or a reset: its own event was emitted then.
  const withdrawn = session.admitting !== admitting;
  session.admitting = undefined;
  const changed = declined ? "plugin_declined" : staleReason(host, session, claimed);
  if (withdrawn || changed) {
    await host.store.finishLease(claimed.id, { fence });
    if (!withdrawn && changed) emitLeaseDropped(host, claimed, changed);
    return;
  }
  if (session.userWaiting) {
    session.parked = claimed;
    return;
  }
  // From here to the handover nothing awaits, so nothing can slip in between.
  const { sessionKey, pluginId, leaseKey, id: leaseId } = claimed;
  host.events.emit("lease-admitted", { sessionKey, pluginId, leaseKey, leaseId });
  session.delivered = claimed;
  try {
    await external.deliverContinuation({ sessionKey, pluginId, leaseKey, leaseId, message: claimed.message });
  } catch (error) {
    session.delivered = undefined;
    await host.store.finishLease(leaseId, { fence });
    emitLeaseDropped(host, claimed, "delivery_failed");
    throw error;
  }
}
