import type { Clock } from "../clock.js";
import type { EventBus } from "../events.js";
import type { Model } from "../model.js";
import type { ContextMinter } from "../session-context.js";
import type { HostStore } from "../store/store.js";
import type { ExternalTurnRunner } from "./external-turns.js";
import type { HostLimits } from "./host-options.js";
import type { LeaseScheduler } from "./lease-scheduler.js";
import type { PluginRegistry } from "./plugin-registry.js";
import type { SessionState } from "./session-state.js";

/** The host's own parts, shared by the services it is built from. Never handed to plugins. */
export interface HostInternals {
  readonly store: HostStore;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly minter: ContextMinter;
  readonly registry: PluginRegistry;
  readonly scheduler: LeaseScheduler;
  readonly model: Model;
  /** Set when an embedding host runs the turns; admitted continuations go to it. */
  readonly externalTurns?: ExternalTurnRunner;
  readonly limits: HostLimits;
  readonly systemPrompt: string;
  session(sessionKey: string): SessionState | undefined;
  isDraining(): boolean;
  /** Starts the session's next queued turn or due lease if it is idle. */
  pump(session: SessionState): void;
  /** A number that grows with every lease request, ordering requests as the store applied them. */
  nextLeaseSequence(): number;
}
