import type { LeaseRecord } from "../store/store.js";
import { emitLeaseDropped } from "./admission.js";
import type { HostInternals } from "./host-internals.js";
import { callHooks, hostSender } from "./plugin-hooks.js";
import type { SessionTable } from "./session-table.js";

/**
 * Recovery of the leases a previous process left in the store: continuation turns that started but never
 * finished are recorded as interrupted, told to their plugin, and never replayed; pending leases are
 * re-armed at their due time. Done once for the whole store at host start, or once per session when hosts
 * share the store and each takes its own sessions over.
 */
export class LeaseRecovery {
  readonly #host: HostInternals;
  readonly #sessions: SessionTable;
  readonly #recovered = new Set<string>();

  constructor(host: HostInternals, sessions: SessionTable) {
    this.#host = host;
    this.#sessions = sessions;
  }

  /** Recovers every lease in the store. */
  all(): Promise<void> {
    return this.#recover();
  }

  /** Recovers one session's leases, the first time only. */
  async session(sessionKey: string): Promise<void> {
    if (this.#recovered.has(sessionKey)) return;
    this.#recovered.add(sessionKey);
    await this.#recover(sessionKey);
  }

  async #recover(onlySessionKey?: string): Promise<void> {
    const host = this.#host;
    const wanted = (lease: LeaseRecord) =>
      onlySessionKey === undefined || lease.sessionKey === onlySessionKey;
    for (const lease of (await host.store.listStartedLeases()).filter(wanted)) {
      const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
      host.events.emit("lease-interrupted", { sessionKey, pluginId, leaseKey, leaseId });
      const session = await this.#sessions.load(sessionKey);
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
    // One query for all the sessions a large recovery needs, not one per lease.
    await this.#sessions.loadMany(new Set(leases.map((lease) => lease.sessionKey)));
    for (const lease of leases) {
      const session = await this.#sessions.load(lease.sessionKey);
      if (session?.open && session.record.generation === lease.generation) {
        host.scheduler.arm(lease, host.nextLeaseSequence());
        continue;
      }
      await host.store.deleteLease(lease, lease.id);
      emitLeaseDropped(host, lease, session?.open ? "session_reset" : "session_closed");
    }
  }
}
