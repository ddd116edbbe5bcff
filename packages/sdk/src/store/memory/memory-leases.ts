import type { LeaseRecord, LeaseSlot } from "../store.js";

const slotId = (slot: LeaseSlot) => JSON.stringify([slot.pluginId, slot.sessionKey, slot.leaseKey]);

/** The pending and started leases of a {@link MemoryStore}, as frozen copies. */
export class MemoryLeases {
  readonly #pending = new Map<string, LeaseRecord>();
  readonly #started = new Map<string, LeaseRecord>();

  /** Stores the slot's pending lease; the one it replaced. */
  putLease(record: LeaseRecord): { replaced: LeaseRecord | undefined } {
    const id = slotId(record);
    const replaced = this.#pending.get(id);
    this.#pending.set(id, leaseCopy(record));
    return { replaced };
  }

  getLease(slot: LeaseSlot): LeaseRecord | undefined {
    return this.#pending.get(slotId(slot));
  }

  /** Deletes the slot's pending lease; with `expectedId`, only if it is still that lease. */
  deleteLease(slot: LeaseSlot, expectedId: string | undefined): LeaseRecord | undefined {
    const id = slotId(slot);
    const current = this.#pending.get(id);
    if (!current || (expectedId !== undefined && current.id !== expectedId)) return undefined;
    this.#pending.delete(id);
    return current;
  }

  deleteSessionLeases(sessionKey: string): LeaseRecord[] {
    const deleted: LeaseRecord[] = [];
    for (const [id, lease] of this.#pending) {
      if (lease.sessionKey !== sessionKey) continue;
      this.#pending.delete(id);
      deleted.push(lease);
    }
    return deleted;
  }

  listLeases(sessionKey?: string): LeaseRecord[] {
    return ofSession(this.#pending.values(), sessionKey);
  }

  /** Adds a lease claimed from its slot to the started set. */
  startLease(lease: LeaseRecord): void {
    this.#started.set(lease.id, lease);
  }

  getStartedLease(id: string): LeaseRecord | undefined {
    return this.#started.get(id);
  }

  /** Forgets a started lease. */
  finishLease(id: string): void {
    this.#started.delete(id);
  }

  listStartedLeases(sessionKey?: string): LeaseRecord[] {
    return ofSession(this.#started.values(), sessionKey);
  }

  /** The sessions that have a pending or started lease. */
  *sessionsWithLeases(): Iterable<string> {
    for (const lease of this.#pending.values()) yield lease.sessionKey;
    for (const lease of this.#started.values()) yield lease.sessionKey;
  }
}

function ofSession(leases: Iterable<LeaseRecord>, sessionKey: string | undefined): LeaseRecord[] {
  return [...leases].filter((lease) => sessionKey === undefined || lease.sessionKey === sessionKey);
}

/**
 * A frozen copy of a lease's fields, all of them strings and numbers: the strings are shared, not copied
 * (a lease's message is most of it, and the host that asked for it holds the same text).
 */
function leaseCopy(record: LeaseRecord): LeaseRecord {
  const { pluginId, sessionKey, leaseKey, id, message, createdAt, dueAt, generation } = record;
  return Object.freeze({ pluginId, sessionKey, leaseKey, id, message, createdAt, dueAt, generation });
}
