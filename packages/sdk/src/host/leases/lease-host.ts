import type { PluginHost } from "../plugins/plugin-host.js";
import type { SessionState } from "../sessions/session-state.js";
import type { ExternalTurnRunner } from "./external-turn-runner.js";
import type { LeaseScheduler } from "./lease-scheduler.js";

/** What the lease layer needs of the host, on top of the plugin layer's. */
export interface LeaseHost extends PluginHost {
  readonly scheduler: LeaseScheduler;
  /** Set when an embedding host runs the turns; admitted continuations go to it. */
  readonly externalTurns?: ExternalTurnRunner;
  isDraining(): boolean;
  /** Starts the session's next queued turn or due lease if it is idle. */
  pump(session: SessionState): void;
  /** A number that grows with every lease request, ordering requests as the store applied them. */
  nextLeaseSequence(): number;
}
