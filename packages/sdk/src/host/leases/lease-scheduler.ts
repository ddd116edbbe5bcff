import type { Clock, TimerHandle } from "../../clock.js";
import type { LeaseRecord, LeaseSlot } from "../../store/store.js";

interface ArmedLease {
  lease: LeaseRecord;
  sequence: number;
  /** When it was armed, among all arms: leases due at the same time come due in the order they were armed. */
  order: number;
  /** False once replaced, disarmed or due: the heap skips it when it meets it. */
  armed: boolean;
}

/** A session's armed leases: the one, or (rarely, several slots) all of them. */
type SessionSlots = ArmedLease | ArmedLease[];

const inSlot = (armed: ArmedLease, slot: LeaseSlot) =>
  armed.lease.leaseKey === slot.leaseKey && armed.lease.pluginId === slot.pluginId;

/**
 * The armed lease of each slot, and one timer for the earliest of them (a host with 100,000 idle goals
 * holds no timer per goal). Arming a slot replaces its lease, but only with one requested later (higher
 * sequence). The sequence is taken when a request is made and the stores apply writes in call order, so the
 * armed lease is the one the store kept even when the requests' awaits resume out of order. Due leases come
 * due together in one timer callback, earliest first.
 */
export class LeaseScheduler {
  readonly #clock: Clock;
  readonly #onDue: (lease: LeaseRecord) => void;
  /**
   * The armed leases of each session, by session key: one entry per session and no key per slot, so arming
   * the one lease of each of 100,000 sessions at start costs one map entry and one object each.
   */
  readonly #bySession = new Map<string, SessionSlots>();
  #size = 0;
  /** Armed leases by due time (a binary heap); entries replaced or disarmed since are skipped when met. */
  #heap: ArmedLease[] = [];
  #timer: { handle: TimerHandle; at: number } | undefined;
  #order = 0;

  constructor(clock: Clock, onDue: (lease: LeaseRecord) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  arm(lease: LeaseRecord, sequence: number): void {
    const held = this.#bySession.get(lease.sessionKey);
    const current = held && this.#find(held, lease);
    if (current && current.sequence > sequence) return;
    const armed: ArmedLease = { lease, sequence, order: this.#order++, armed: true };
    if (!held) this.#bySession.set(lease.sessionKey, armed);
    else if (!Array.isArray(held)) {
      this.#bySession.set(lease.sessionKey, held === current ? armed : [held, armed]);
    } else if (current) held[held.indexOf(current)] = armed;
    else held.push(armed);
    if (current) current.armed = false;
    else this.#size++;
    this.#push(armed);
    this.#schedule();
  }

  /** Cancels the slot's lease; with `leaseId`, only if that lease is the armed one. */
  disarm(slot: LeaseSlot, leaseId?: string): void {
    const held = this.#bySession.get(slot.sessionKey);
    const current = held && this.#find(held, slot);
    if (!current || (leaseId !== undefined && current.lease.id !== leaseId)) return;
    this.#forget(current);
    this.#schedule();
  }

  disarmSession(sessionKey: string): void {
    const held = this.#bySession.get(sessionKey);
    if (held) for (const armed of Array.isArray(held) ? [...held] : [held]) this.#forget(armed);
    this.#schedule();
  }

  disarmAll(): void {
    for (const armed of this.#heap) armed.armed = false;
    this.#bySession.clear();
    this.#size = 0;
    this.#heap = [];
    this.#schedule();
  }

  get size(): number {
    return this.#size;
  }

  #find(held: SessionSlots, slot: LeaseSlot): ArmedLease | undefined {
    if (!Array.isArray(held)) return inSlot(held, slot) ? held : undefined;
    return held.find((armed) => inSlot(armed, slot));
  }

  #forget(armed: ArmedLease): void {
    if (!armed.armed) return;
    armed.armed = false;
    this.#size--;
    const { sessionKey } = armed.lease;
    const held = this.#bySession.get(sessionKey);
    if (held === armed) this.#bySession.delete(sessionKey);
    else if (Array.isArray(held)) {
      const index = held.indexOf(armed);
      if (index !== -1) held.splice(index, 1);
      if (held.length === 1) this.#bySession.set(sessionKey, held[0] as ArmedLease);
      else if (held.length === 0) this.#bySession.delete(sessionKey);
    }
    // The heap keeps its entry until it is met; when most of it is such entries, it is built anew.
    if (this.#heap.length > 64 && this.#heap.length > 2 * this.#size) {
      this.#heap = this.#heap.filter((entry) => entry.armed).sort(earlier);
    }
  }

  /** The earliest armed lease, dropping entries that are no longer armed from the top of the heap. */
  #head(): ArmedLease | undefined {
    for (let top = this.#heap[0]; top; top = this.#heap[0]) {
      if (top.armed) return top;
      this.#pop();
    }
    return undefined;
  }

  /** One timer, for the earliest lease's due time. */
  #schedule(): void {
    const head = this.#head();
    if (this.#timer && head?.lease.dueAt === this.#timer.at) return;
    if (this.#timer) this.#clock.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
    if (!head) return;
    const at = head.lease.dueAt;
    const handle = this.#clock.setTimeout(() => this.#fire(handle), Math.max(0, at - this.#clock.now()));
    this.#timer = { handle, at };
  }

  #fire(handle: TimerHandle): void {
    if (this.#timer?.handle !== handle) return;
    this.#timer = undefined;
    // Every lease due by now comes due in this callback: a timer each would cost an event-loop turn (and the
    // timer's minimum delay) per lease, pacing every session behind the others. One at a time, so a lease
    // disarmed by what an earlier one started is skipped; those armed meanwhile wait for the next callback.
    const now = this.#clock.now();
    const armedBefore = this.#order;
    for (let head = this.#head(); head && head.lease.dueAt <= now && head.order < armedBefore; ) {
      this.#pop();
      this.#forget(head);
      this.#onDue(head.lease);
      head = this.#head();
    }
    this.#schedule();
  }

  #push(armed: ArmedLease): void {
    const heap = this.#heap;
    heap.push(armed);
    for (let index = heap.length - 1; index > 0; ) {
      const parent = (index - 1) >> 1;
      if (earlier(heap[parent] as ArmedLease, armed) <= 0) break;
      heap[index] = heap[parent] as ArmedLease;
      heap[parent] = armed;
      index = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    for (let index = 0; ; ) {
      const left = 2 * index + 1;
      const right = left + 1;
      let least = index;
      if (left < heap.length && earlier(heap[left] as ArmedLease, heap[least] as ArmedLease) < 0)
        least = left;
      if (right < heap.length && earlier(heap[right] as ArmedLease, heap[least] as ArmedLease) < 0)
        least = right;
      if (least === index) return;
      [heap[index], heap[least]] = [heap[least] as ArmedLease, heap[index] as ArmedLease];
      index = least;
    }
  }
}

/** Due first, then armed first. */
function earlier(a: ArmedLease, b: ArmedLease): number {
  return a.lease.dueAt - b.lease.dueAt || a.order - b.order;
}
