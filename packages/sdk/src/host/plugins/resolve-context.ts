import type { Fence } from "../../store/store.js";
import { holds } from "../sessions/session-claim.js";
import type { SessionState } from "../sessions/session-state.js";
import type { PluginHost } from "./plugin-host.js";

/** Whether a context passed by a plugin is one the host minted for it, for a session still live. */
export type ContextCheck =
  | { status: "live"; session: SessionState; fence: Fence }
  | { status: "untrusted"; message: string }
  | { status: "unloaded"; message: string }
  | { status: "stale"; message: string };

/** Who is calling: a plugin id and the load its API object belongs to. */
export interface PluginCaller {
  readonly pluginId: string;
  readonly load: number;
}

/**
 * Checks a plugin-supplied context: minted by this host, for this plugin, by the plugin's current load, in
 * the session's current generation, under the claim this process holds on the session now.
 */
export function resolveContext(host: PluginHost, context: unknown, caller: PluginCaller): ContextCheck {
  const { pluginId, load } = caller;
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
  if (grant.load !== load || host.registry.loadOf(pluginId) !== load) {
    return {
      status: "unloaded",
      message: `Plugin "${pluginId}" was unloaded; its earlier contexts and API no longer act on sessions.`,
    };
  }
  const { sessionKey } = context as { sessionKey: string };
  const session = host.session(sessionKey);
  if (!session?.open || session.record.generation !== grant.generation) {
    return {
      status: "stale",
      message: `Session "${sessionKey}" was reset or closed since this context was minted; use a fresh context.`,
    };
  }
  const fence = grant.fence;
  if (!holds(session, fence)) {
    return {
      status: "stale",
      message: `Session "${sessionKey}" is served by another goal-lease process now; this one lost it and writes nothing there.`,
    };
  }
  return { status: "live", session, fence };
}
