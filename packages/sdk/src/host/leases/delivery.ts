import type { LeaseRecord, LeaseSlot } from "../../store/store.js";
import type { SessionState } from "../sessions/session-state.js";
import type { LeaseHost } from "./lease-host.js";

type PluginSlot = Omit<LeaseSlot, "sessionKey">;

const fills = (lease: LeaseRecord, slot: PluginSlot | undefined) =>
  !slot || (lease.pluginId === slot.pluginId && lease.leaseKey === slot.leaseKey);

/**
 * The continuation handed to the embedding host whose turn has not started yet, if it fills `slot`. Once its
 * turn starts, it is that turn's lease and no longer withdrawable.
 */
export function waitingDelivery(session: SessionState, slot?: PluginSlot) {
  const delivered = session.delivered;
  if (!delivered || session.externalTurn?.identity.lease?.id === delivered.id) return undefined;
  return fills(delivered, slot) ? delivered : undefined;
}

/**
 * Withdraws a handed-over continuation before its turn starts, so a clear, a replacement or a reset made
 * while the embedding host queues the turn still wins (admission is re-checked when the turn starts).
 */
export async function withdrawDelivery(
  host: LeaseHost,
  session: SessionState,
  lease: LeaseRecord,
): Promise<void> {
  if (session.delivered?.id !== lease.id) return;
  session.delivered = undefined;
  await host.store.finishLease(lease.id, { fence: session.fence });
  host.pump(session);
}

/**
 * Withdraws the continuation of `slot` (any, without one) that has been claimed but whose turn has not
 * started: one being admitted here, one that gave way to a person's message, or one handed to the
 * embedding host. A clear, a replacement or a stop
 * made before the turn starts wins; the admission finds it withdrawn and starts nothing.
 */
export async function withdrawUnstarted(
  host: LeaseHost,
  session: SessionState,
  slot?: PluginSlot,
): Promise<LeaseRecord | undefined> {
  const admitting = session.admitting;
  if (admitting && fills(admitting, slot)) {
    session.admitting = undefined;
    return admitting;
  }
  const parked = session.parked;
  if (parked && fills(parked, slot)) {
    session.parked = undefined;
    await host.store.finishLease(parked.id, { fence: session.fence });
    return parked;
  }
  const waiting = waitingDelivery(session, slot);
  if (waiting) await withdrawDelivery(host, session, waiting);
  return waiting;
}
