import type { Fence } from "../../store/store.js";
import type { SessionState } from "./session-state.js";

/**
 * Whether this process still holds `session` under `fence`: the claim a turn or a context was started under
 * must be the session's claim now, or what it does is not written (another process took the session).
 */
export function holds(session: SessionState, fence: Fence | undefined): fence is Fence {
  const now = session.fence;
  return (
    fence !== undefined && now !== undefined && now.ownerId === fence.ownerId && now.token === fence.token
  );
}
