import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock, TimerHandle } from "../../clock.js";
import { SessionOwnedError } from "../../errors.js";
import { Coalesced } from "../../store/coalesced.js";
import type { AcquireResult, Fence, HostStore, SessionOwner } from "../../store/store.js";

/** Options of session ownership among the host processes that share a store. */
export interface OwnershipOptions {
  /**
   * How long a claim on a session lasts without renewal (default 10 s). A host that dies loses its sessions
   * to the others after at most this long, never before; it renews every third of it.
   */
  ttlMs?: number;
  /** This host's id in the store; unique per host by default (host name, pid and a random part). */
  ownerId?: string;
}

export const defaultOwnershipTtlMs = 10_000;

/**
 * This host's claims on sessions in the store: taken when a session is opened or adopted, renewed in the
 * background, given up at close. Only the owner of a session runs its turns; its fence goes with every
 * write, so a host that lost a session while it stalled writes nothing there.
 */
export class SessionOwnership {
  readonly ownerId: string;
  readonly ttlMs: number;
  readonly #store: HostStore;
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #stopped = false;
  /** Many sessions opening at once are claimed in one call, not one each. */
  readonly #acquisitions = new Coalesced<string, AcquireResult>((sessionKeys) =>
    this.#store.acquireSessions(sessionKeys, this.ownerId, this.#window()),
  );

  constructor(store: HostStore, clock: Clock, options: OwnershipOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.ttlMs = Math.max(1_000, options.ttlMs ?? defaultOwnershipTtlMs);
    this.ownerId = options.ownerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /**
   * Takes each session that is free, expired or already this host's; one transaction for all. One result
   * per key, in order.
   */
  async acquire(sessionKeys: readonly string[]): Promise<AcquireResult[]> {
    return this.#acquisitions.ask(sessionKeys);
  }

  /** Takes one session, or throws a one-line error naming the live process that holds it. */
  async acquireOne(sessionKey: string): Promise<Fence> {
    const [result] = await this.acquire([sessionKey]);
    if (result?.status === "acquired") return result.fence;
    throw heldError(sessionKey, result?.owner, this.#clock.now());
  }

  /** Renews every claim this host holds; returns the sessions it still owns. */
  async renew(): Promise<Set<string>> {
    return new Set(await this.#store.renewSessions(this.ownerId, this.#window()));
  }

  async release(sessionKeys?: readonly string[]): Promise<void> {
    await this.#store.releaseSessions(this.ownerId, sessionKeys);
  }

  /** Runs `beat` every third of the claim's lifetime, in the background, until `stopHeartbeat`. */
  startHeartbeat(beat: () => Promise<void>): void {
    const next = () => {
      if (this.#stopped) return;
      this.#timer = this.#clock.setTimeout(
        () => {
          // The beat reports its own failures; a failed beat is retried at the next one.
          void beat()
            .catch(() => undefined)
            .finally(next);
        },
        Math.floor(this.ttlMs / 3),
        { background: true },
      );
    };
    next();
  }

  stopHeartbeat(): void {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
  }

  #window() {
    return { now: this.#clock.now(), ttlMs: this.ttlMs };
  }
}

function heldError(sessionKey: string, owner: SessionOwner | undefined, now: number): SessionOwnedError {
  const seconds = owner ? Math.max(1, Math.ceil((owner.expiresAt - now) / 1_000)) : 0;
  return new SessionOwnedError({
    sessionKey,
    message: `Session ${JSON.stringify(sessionKey)} is in use by another goal-lease process (${owner?.ownerId ?? "unknown"}); use that one, or if it has exited, try again in ${seconds} s.`,
  });
}
