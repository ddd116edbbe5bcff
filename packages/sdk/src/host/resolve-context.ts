import type { HostInternals } from "./host-internals.js";
import type { SessionState } from "./session-state.js";

/** Whether a context passed by a plugin is one the host minted for it, for a session still live. */
export type ContextCheck =
  | { status: "live"; session: SessionState }
  | { status: "untrusted"; message: string }
  | { status: "stale"; message: string };

/** Checks a plugin-supplied context: minted by this host, for this plugin, in the session's current generation. */
export function resolveContext(host: HostInternals, context: unknown, pluginId: string): ContextCheck {
  const grant = host.minter.grantOf(context);
  if (!grant) {
    return {
      status: "untrusted",
      message:
        "session is not a context this host minted; pass the context your command, tool or hook received.",
    };
  }
  if (grant.pluginId !== pluginId) {
    return { status: "untrusted", message: "session was minted for another plugin; use your own context." };
  }
  const { sessionKey } = context as { sessionKey: string };
  const session = host.session(sessionKey);
  if (!session?.open || session.record.generation !== grant.generation) {
    return {
      status: "stale",
      message: `Session "${sessionKey}" was reset or closed since this context was minted; use a fresh context.`,
    };
  }
  return { status: "live", session };
}
