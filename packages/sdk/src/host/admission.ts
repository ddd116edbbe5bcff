import type { LeaseDropReason } from "../lease.js";
import type { LeaseRecord } from "../store/store.js";
import { waitingDelivery, withdrawDelivery } from "./delivery.js";
import type { HostInternals } from "./host-internals.js";
import { runTurn } from "./run-turn.js";
import type { SessionState } from "./session-state.js";

/** Emits `lease-dropped` for a lease that will not become a turn. */
export function emitLeaseDropped(host: HostInternals, lease: LeaseRecord, reason: LeaseDropReason): void {
  const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
  host.events.emit("lease-dropped", { sessionKey, pluginId, leaseKey, leaseId, reason });
}

/** Drops every lease of a session (pending, armed or due) with `reason`. */
export async function dropSessionLeases(
  host: HostInternals,
  session: SessionState,
  reason: LeaseDropReason,
): Promise<void> {
  const { sessionKey } = session.record;
  host.scheduler.disarmSession(sessionKey);
  const dropped = new Map<string, LeaseRecord>();
  for (const lease of session.due.splice(0)) dropped.set(lease.id, lease);
  for (const lease of await host.store.deleteSessionLeases(sessionKey)) dropped.set(lease.id, lease);
  const waiting = waitingDelivery(session);
  if (waiting) {
    await withdrawDelivery(host, session, waiting);
    dropped.set(waiting.id, waiting);
  }
  for (const lease of dropped.values()) emitLeaseDropped(host, lease, reason);
}

/**
 * Admission: re-checks a due lease at the moment its turn would start, then claims it in the store so it
 * can run only once. A stale lease is deleted and dropped with its reason; it never runs.
 */
export async function admitAndRun(
  host: HostInternals,
  session: SessionState,
  lease: LeaseRecord,
): Promise<void> {
  const stale = staleReason(host, session, lease);
  if (stale === "host_draining") {
    emitLeaseDropped(host, lease, stale);
    return;
  }
  if (stale) {
    await host.store.deleteLease(lease, lease.id);
    emitLeaseDropped(host, lease, stale);
    return;
  }
  const claimed = await host.store.claimLease(lease, lease.id);
  if (!claimed) {
    emitLeaseDropped(host, lease, "not_current");
    return;
  }
  // The claim awaited the store; look again, so nothing that changed meanwhile is run over.
  const changed = staleReason(host, session, lease);
  if (changed) {
    await host.store.finishLease(lease.id);
    emitLeaseDropped(host, lease, changed);
    return;
  }
  const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
  host.events.emit("lease-admitted", { sessionKey, pluginId, leaseKey, leaseId });
  if (host.externalTurns) {
    // The embedding host runs the turn; the lease stays started until that turn's end is reported.
    session.delivered = claimed;
    try {
      await host.externalTurns.deliverContinuation({
        sessionKey,
        pluginId,
        leaseKey,
        leaseId,
        message: claimed.message,
      });
    } catch (error) {
      session.delivered = undefined;
      await host.store.finishLease(leaseId);
      emitLeaseDropped(host, lease, "delivery_failed");
      throw error;
    }
    return;
  }
  try {
    await runTurn(host, session, { kind: "continuation", lease: claimed });
  } finally {
    await host.store.finishLease(leaseId);
  }
}

/** Why a lease may no longer start a turn in `session`, if it may not. */
export function staleReason(
  host: HostInternals,
  session: SessionState,
  lease: LeaseRecord,
): LeaseDropReason | undefined {
  if (host.isDraining()) return "host_draining";
  if (!session.open) return "session_closed";
  if (lease.generation !== session.record.generation) return "session_reset";
  if (!host.registry.isLoaded(lease.pluginId)) return "plugin_unloaded";
  return undefined;
}
