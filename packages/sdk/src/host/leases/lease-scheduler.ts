import type { Clock, TimerHandle } from "../../clock.js";
import type { LeaseRecord, LeaseSlot } from "../../store/store.js";

interface ArmedLease {
  lease: LeaseRecord;
  sequence: number;
  timer: TimerHandle;
}

const slotId = (slot: LeaseSlot) => `${slot.pluginId}\u0000${slot.sessionKey}\u0000${slot.leaseKey}`;

/**
 * One timer per lease slot. Arming a slot replaces its timer, but only with a lease requested later
 * (higher sequence). The sequence is taken when a request is made and the stores apply writes in call
 * order, so the armed lease is the one the store kept even when the requests' awaits resume out of order.
 */
export class LeaseScheduler {
  readonly #clock: Clock;
  readonly #onDue: (lease: LeaseRecord) => void;
  readonly #armed = new Map<string, ArmedLease>();

  constructor(clock: Clock, onDue: (lease: LeaseRecord) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  arm(lease: LeaseRecord, sequence: number): void {
    const id = slotId(lease);
    const current = this.#armed.get(id);
    if (current && current.sequence > sequence) return;
    if (current) this.#clock.clearTimeout(current.timer);
    const timer = this.#clock.setTimeout(
      () => {
        if (this.#armed.get(id)?.timer !== timer) return;
        this.#armed.delete(id);
        this.#onDue(lease);
      },
      Math.max(0, lease.dueAt - this.#clock.now()),
    );
    this.#armed.set(id, { lease, sequence, timer });
  }

  /** Cancels the slot's timer; with `leaseId`, only if that lease is the armed one. */
  disarm(slot: LeaseSlot, leaseId?: string): void {
    const id = slotId(slot);
    const current = this.#armed.get(id);
    if (!current || (leaseId !== undefined && current.lease.id !== leaseId)) return;
    this.#clock.clearTimeout(current.timer);
    this.#armed.delete(id);
  }

  disarmSession(sessionKey: string): void {
    for (const armed of [...this.#armed.values()]) {
      if (armed.lease.sessionKey === sessionKey) this.disarm(armed.lease);
    }
  }

  disarmAll(): void {
    for (const armed of this.#armed.values()) this.#clock.clearTimeout(armed.timer);
    this.#armed.clear();
  }

  get size(): number {
    return this.#armed.size;
  }
}
