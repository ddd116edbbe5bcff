import { SessionOwnedError } from "../errors.js";
import type { AcquireResult, Fence, SessionOwner } from "./store.js";

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
