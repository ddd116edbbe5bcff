import type { LeaseDropReason } from "../lease.js";
import type { LeaseRecord } from "../store/store.js";
import type { HostInternals } from "./host-internals.js";
import { runTurn } from "./run-turn.js";
import type { SessionState } from "./session-state.js";

/** Emits `lease-dropped` for a lease that will not become a turn. */
export function emitLeaseDropped(host: HostInternals, lease: LeaseRecord, reason: LeaseDropReason): void {
  const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
  host.events.emit("lease-dropped", { sessionKey, pluginId, leaseKey, leaseId, reason });
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
  const stale: LeaseDropReason | undefined = !session.open
    ? "session_closed"
    : lease.generation !== session.record.generation
      ? "session_reset"
      : !host.registry.isLoaded(lease.pluginId)
        ? "plugin_unloaded"
        : undefined;
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
  const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
  host.events.emit("lease-admitted", { sessionKey, pluginId, leaseKey, leaseId });
  try {
    await runTurn(host, session, { kind: "continuation", lease: claimed });
  } finally {
    await host.store.finishLease(leaseId);
  }
}
