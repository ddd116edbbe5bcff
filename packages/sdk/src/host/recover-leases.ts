import type { LeaseDropReason } from "../lease.js";
import type { LeaseRecord } from "../store/store.js";
import type { HostInternals } from "./host-internals.js";
import { callHooks, hostSender } from "./plugin-hooks.js";
import type { SessionState } from "./session-state.js";

/** What recovery needs from the host that is starting. */
export interface RecoveryHooks {
  loadSession(sessionKey: string): Promise<SessionState | undefined>;
  /** Loads the open sessions among `sessionKeys` in one pass, so a large recovery does not query per lease. */
  loadSessions(sessionKeys: ReadonlySet<string>): Promise<void>;
  drop(lease: LeaseRecord, reason: LeaseDropReason): void;
}

/**
 * Runs once at host start, or for one session when a host that shares its store takes that session over.
 * Continuation turns that started but never finished are recorded as interrupted, told to their plugin,
 * and never replayed; pending leases are re-armed at their due time.
 */
export async function recoverLeases(
  host: HostInternals,
  hooks: RecoveryHooks,
  onlySessionKey?: string,
): Promise<void> {
  const wanted = (lease: LeaseRecord) => onlySessionKey === undefined || lease.sessionKey === onlySessionKey;
  for (const lease of (await host.store.listStartedLeases()).filter(wanted)) {
    const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
    host.events.emit("lease-interrupted", { sessionKey, pluginId, leaseKey, leaseId });
    const session = await hooks.loadSession(sessionKey);
    if (session?.open && session.record.generation === lease.generation) {
      await callHooks(
        host,
        session,
        "lease-interrupted",
        (handler, context) => handler({ leaseKey, leaseId }, context),
        {
          sender: hostSender,
          onlyPluginId: pluginId,
        },
      );
    }
    await host.store.finishLease(leaseId);
  }
  const leases = (await host.store.listLeases()).filter(wanted);
  await hooks.loadSessions(new Set(leases.map((lease) => lease.sessionKey)));
  for (const lease of leases) {
    const session = await hooks.loadSession(lease.sessionKey);
    if (session?.open && session.record.generation === lease.generation) {
      host.scheduler.arm(lease, host.nextLeaseSequence());
      continue;
    }
    await host.store.deleteLease(lease, lease.id);
    hooks.drop(lease, session?.open ? "session_reset" : "session_closed");
  }
}
