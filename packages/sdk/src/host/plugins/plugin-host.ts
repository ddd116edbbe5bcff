import type { Clock } from "../../clock.js";
import type { EventBus } from "../../events.js";
import type { ContextMinter } from "../../session-context.js";
import type { HostStore } from "../../store/store.js";
import type { OwnerCache } from "../sessions/owner-cache.js";
import type { SessionState } from "../sessions/session-state.js";
import type { PluginRegistry } from "./plugin-registry.js";

/** What the plugin layer needs of the host: its plugins, contexts, events, store, clock and sessions. */
export interface PluginHost {
  readonly registry: PluginRegistry;
  readonly minter: ContextMinter;
  readonly events: EventBus;
  readonly store: HostStore;
  readonly clock: Clock;
  /** What this host read and wrote of the sessions it owns, so a turn does not read back its own writes. */
  readonly copies: OwnerCache;
  /** The session this host owns and serves under `sessionKey`, if any. */
  session(sessionKey: string): SessionState | undefined;
}
