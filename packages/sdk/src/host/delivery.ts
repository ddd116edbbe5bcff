import type { LeaseRecord, LeaseSlot } from "../store/store.js";
import type { HostInternals } from "./host-internals.js";
import type { SessionState } from "./session-state.js";

/**
 * The continuation handed to the embedding host whose turn has not started yet, if it fills `slot`. Once its
 * turn starts, it is that turn's lease and no longer withdrawable.
 */
export function waitingDelivery(session: SessionState, slot?: Omit<LeaseSlot, "sessionKey">) {
  const delivered = session.delivered;
  if (!delivered || session.externalTurn?.identity.lease?.id === delivered.id) return undefined;
  if (slot && (delivered.pluginId !== slot.pluginId || delivered.leaseKey !== slot.leaseKey))
    return undefined;
  return delivered;
}

/**
 * Withdraws a handed-over continuation before its turn starts, so a clear, a replacement or a reset made
 * while the embedding host queues the turn still wins (admission is re-checked when the turn starts).
 */
export async function withdrawDelivery(
  host: HostInternals,
  session: SessionState,
  lease: LeaseRecord,
): Promise<void> {
  if (session.delivered?.id !== lease.id) return;
  session.delivered = undefined;
  await host.store.finishLease(lease.id);
  host.pump(session);
}
