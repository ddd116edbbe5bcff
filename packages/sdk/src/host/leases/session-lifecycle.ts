import { HostUsageError } from "../../errors.js";
import { callHooks } from "../plugins/plugin-hooks.js";
import type { SessionState } from "../sessions/session-state.js";
import { dropSessionLeases } from "./admission.js";
import type { LeaseHost } from "./lease-host.js";

/** Starts a new generation of the session: its leases are dropped and earlier contexts stop working. */
export async function resetSession(host: LeaseHost, session: SessionState): Promise<void> {
  const { sessionKey } = session.record;
  const previousGeneration = session.record.generation;
  session.record = { ...session.record, generation: previousGeneration + 1 };
  host.copies.forget(sessionKey);
  await host.store.putSession(session.record, { fence: session.fence });
  await dropSessionLeases(host, session, "session_reset");
  host.events.emit("session-reset", { sessionKey, generation: session.record.generation });
  await callHooks(host, session, "session-reset", (handler, context) =>
    handler({ previousGeneration }, context),
  );
}

/** Closes the session: queued user turns are refused and its leases are dropped. */
export async function closeSession(host: LeaseHost, session: SessionState): Promise<void> {
  const { sessionKey } = session.record;
  session.record = { ...session.record, closedAt: host.clock.now() };
  host.copies.forget(sessionKey);
  await host.store.putSession(session.record, { fence: session.fence });
  for (const queued of session.userQueue.splice(0)) {
    queued.reject(
      new HostUsageError({ message: `Session "${sessionKey}" was closed before this message ran.` }),
    );
  }
  await dropSessionLeases(host, session, "session_closed");
}
