import { acquisition, staleFence, writeFence } from "../ownership.js";
import type { AcquireResult, SessionOwner, WriteOptions } from "../store.js";

/**
 * Who owns each session of a {@link MemoryStore}, with each owner's liveness: a claim lives as long as its
 * owner's entry in `#hosts`, unless the owner released it.
 */
export class MemoryOwners {
  /** Each session's owner and token. */
  readonly #owners = new Map<string, { ownerId: string; token: number; released: boolean }>();
  /** Each owner's expiry. */
  readonly #hosts = new Map<string, number>();

  acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ): AcquireResult[] {
    return sessionKeys.map((sessionKey) => {
      const result = acquisition(this.#owner(sessionKey), { sessionKey, ownerId, now: options.now });
      if (result.status === "acquired") {
        this.#hosts.set(ownerId, options.now + options.ttlMs);
        this.#owners.set(sessionKey, { ownerId, token: result.fence.token, released: false });
      }
      return result;
    });
  }

  /** Keeps `ownerId` alive until `now + ttlMs`; the sessions it still owns. */
  renewSessions(ownerId: string, options: { now: number; ttlMs: number }): string[] {
    this.#hosts.set(ownerId, options.now + options.ttlMs);
    return [...this.#owners]
      .filter(([, owner]) => owner.ownerId === ownerId && !owner.released)
      .map(([sessionKey]) => sessionKey);
  }

  /** `ownerId`'s claims (all, or the named sessions') end now; tokens stay. */
  releaseSessions(ownerId: string, sessionKeys?: readonly string[]): void {
    for (const [sessionKey, owner] of this.#owners) {
      if (owner.ownerId === ownerId && (!sessionKeys || sessionKeys.includes(sessionKey)))
        owner.released = true;
    }
    if (!sessionKeys) this.#hosts.delete(ownerId);
  }

  listOwners(): SessionOwner[] {
    return [...this.#owners.keys()].map((sessionKey) => this.#owner(sessionKey) as SessionOwner);
  }

  /** Of the sessions with work, those whose owner is absent or expired at `now`. */
  listOrphanedSessions(now: number, sessionsWithWork: Iterable<string>): string[] {
    return [...new Set(sessionsWithWork)].filter(
      (sessionKey) => (this.#owner(sessionKey)?.expiresAt ?? 0) <= now,
    );
  }

  /** Throws unless the write's fence is the session's current owner (none given: an unfenced write). */
  checkFence(sessionKey: string, options: WriteOptions | undefined): void {
    const fence = writeFence(sessionKey, options);
    if (fence) staleFence(this.#owner(sessionKey), sessionKey, fence);
  }

  /** A session's owner, alive until its host's expiry (0 once released). */
  #owner(sessionKey: string): SessionOwner | undefined {
    const owner = this.#owners.get(sessionKey);
    if (!owner) return undefined;
    const expiresAt = owner.released ? 0 : (this.#hosts.get(owner.ownerId) ?? 0);
    return { sessionKey, ownerId: owner.ownerId, token: owner.token, expiresAt };
  }
}
