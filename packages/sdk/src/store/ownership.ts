import { SessionOwnedError } from "../errors.js";
import type { AcquireResult, Fence, SessionOwner, WriteOptions } from "./store.js";

/**
 * The one rule of taking a session, shared by every store: free, expired or already ours, it is taken
 * (a new owner gets the next token, so every earlier fence goes stale); held by a live owner, it is not.
 */
export function acquisition(
  current: SessionOwner | undefined,
  request: { sessionKey: string; ownerId: string; now: number },
): AcquireResult {
  if (current && current.ownerId !== request.ownerId && current.expiresAt > request.now) {
    return { status: "held", owner: { ...current } };
  }
  if (current?.ownerId === request.ownerId && current.expiresAt > request.now) {
    return { status: "acquired", fence: { ownerId: request.ownerId, token: current.token } };
  }
  const fence = { ownerId: request.ownerId, token: (current?.token ?? 0) + 1 };
  return current ? { status: "acquired", fence, previous: { ...current } } : { status: "acquired", fence };
}

/** Throws unless `fence` is the session's current owner: a write from a process that lost it is refused. */
export function staleFence(current: SessionOwner | undefined, sessionKey: string, fence: Fence): void {
  if (current?.ownerId === fence.ownerId && current.token === fence.token) return;
  throw new SessionOwnedError({
    sessionKey,
    message: `Session ${JSON.stringify(sessionKey)} is now owned by another host process; this process lost it and wrote nothing.`,
  });
}

/**
 * The fence a write carries. No options, or options without the field, is an unfenced write (a process
 * with the store to itself: a test, a fixture, an offline tool). The field given but empty is a writer
 * that lost its claim (a host clears a session's fence when another process takes it), so the write is
 * refused: a missing fence never passes as "no check".
 */
export function writeFence(sessionKey: string, options: WriteOptions | undefined): Fence | undefined {
  if (options && "fence" in options && options.fence === undefined) {
    throw new SessionOwnedError({
      sessionKey,
      message: `Session ${JSON.stringify(sessionKey)} is not this process's any more; it wrote nothing.`,
    });
  }
  return options?.fence;
}
