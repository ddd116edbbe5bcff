import type { Fence } from "../../store/store.js";
import type { SessionState } from "./session-state.js";

/**
 * What this host last read or wrote of one session's records, valid only under the claim and generation it
 * was made under. A slot's copy is replaced only by what the store answered: a write drops it when it is
 * issued and puts back what it wrote once committed, a read puts back what it read, and either is ignored
 * if anything changed the slot meanwhile, so the copy is never ahead of the store or behind it.
 */
export class SessionCopies {
  readonly fence: Fence;
  readonly generation: number;
  readonly #values = new Map<string, unknown>();
  readonly #epochs = new Map<string, number>();
  #live = true;

  constructor(fence: Fence, generation: number) {
    this.fence = fence;
    this.generation = generation;
  }

  /** The slot's copy, if one is held. */
  peek<T>(slot: string): T | undefined {
    return this.#values.get(slot) as T | undefined;
  }

  /** Before a read of the slot from the store: the ticket that lets its answer be kept. */
  reading(slot: string): number {
    return this.#epochs.get(slot) ?? 0;
  }

  /** Keeps what a read answered, unless the slot changed since its ticket. */
  read(slot: string, ticket: number, value: unknown): void {
    if (this.#live && this.reading(slot) === ticket) this.#values.set(slot, value);
  }

  /** Before a write of the slot: drops its copy, so nothing reads it while the write is on its way. */
  writing(slot: string): number {
    return this.#bump(slot);
  }

  /** Keeps what a committed write wrote, unless the slot changed since its ticket; a read begun before it is ignored. */
  wrote(slot: string, ticket: number, value: unknown): void {
    if (this.#live && this.reading(slot) === ticket) {
      this.#bump(slot);
      this.#values.set(slot, value);
    }
  }

  /** Forgets the slot's copy: a write failed, or its outcome is unknown. */
  drop(slot: string): void {
    this.#bump(slot);
  }

  /** Forgets everything: answers still on their way are ignored. */
  kill(): void {
    this.#live = false;
    this.#values.clear();
  }

  #bump(slot: string): number {
    const next = this.reading(slot) + 1;
    this.#epochs.set(slot, next);
    this.#values.delete(slot);
    return next;
  }
}

/** How many sessions' copies a host keeps: the ones used last; the others are read again when needed. */
const defaultCapacity = 1_024;

/**
 * The copies this host keeps of what it read and wrote in the sessions it owns: the session's owner is
 * their only writer, so a turn need not read back what the owner wrote. A copy serves only the claim
 * (fence) and the generation it was made under: after a takeover, a reset or a loss it is made anew from
 * the store.
 */
export class OwnerCache {
  readonly #sessions = new Map<string, SessionCopies>();
  readonly #capacity: number;

  constructor(capacity = defaultCapacity) {
    this.#capacity = capacity;
  }

  /** The copies of `session` valid under `fence`; undefined without a claim, or once the claim is not the session's. */
  of(session: SessionState, fence: Fence | undefined): SessionCopies | undefined {
    const now = session.fence;
    if (!fence || !now || now.ownerId !== fence.ownerId || now.token !== fence.token) return undefined;
    const { sessionKey, generation } = session.record;
    let copies = this.#sessions.get(sessionKey);
    if (copies) this.#sessions.delete(sessionKey);
    if (
      !copies ||
      copies.fence.ownerId !== fence.ownerId ||
      copies.fence.token !== fence.token ||
      copies.generation !== generation
    ) {
      copies?.kill();
      copies = new SessionCopies(fence, generation);
    }
    this.#sessions.set(sessionKey, copies);
    if (this.#sessions.size > this.#capacity) {
      const [oldest] = this.#sessions.keys();
      if (oldest !== undefined) this.forget(oldest);
    }
    return copies;
  }

  /** Forgets a session's copies: it was lost, closed, or another process may have written it. */
  forget(sessionKey: string): void {
    this.#sessions.get(sessionKey)?.kill();
    this.#sessions.delete(sessionKey);
  }
}
