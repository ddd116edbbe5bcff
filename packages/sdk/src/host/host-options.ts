import type { Clock } from "../clock.js";
import type { Model } from "../model.js";
import type { PluginDefinition } from "../plugin.js";
import type { PriceTable } from "../pricing/price-table.js";
import type { HostStore } from "../store/store.js";
import type { TelemetryOptions } from "../tracing/tracer.js";
import type { ExternalTurnRunner } from "./leases/external-turn-runner.js";
import type { OwnershipOptions } from "./sessions/session-ownership.js";
import type { HostLimits } from "./turns/turn-limits.js";

/** Options of {@link createHost}: a `model`, or `externalTurns` when an embedding host runs the turns. */
export interface HostOptions {
  model?: Model;
  /** The embedding host that runs the model turns; `host.external` then reports them. */
  externalTurns?: ExternalTurnRunner;
  /** Where sessions, transcripts, plugin state and leases live; `openStore(defaultStoreLocation())` unless set. */
  store?: HostStore;
  clock?: Clock;
  plugins?: readonly PluginDefinition[];
  /** The system text of every turn, before plugin context lines. */
  systemPrompt?: string;
  limits?: Partial<HostLimits>;
  /**
   * What each turn's tokens cost (`TurnUsage.costUsd`) and what a dollar ceiling is held at: the shipped
   * `defaultPrices` unless set (`mergePrices` adds a person's own). A model not in it costs "unknown".
   */
  prices?: PriceTable;
  /**
   * What the host's OpenTelemetry spans say (they go through `@opentelemetry/api`, a no-op until an SDK is
   * registered): sessions are hashed unless `sessionKeys` is `plain`.
   */
  telemetry?: TelemetryOptions;
  /**
   * Which sessions this host takes over from a process that is gone (died, or closed with work left):
   * their interrupted continuations are reported, their pending leases re-armed. Sessions a live process
   * owns are never touched. `at-start` (default): every such session once, when the host starts.
   * `continuous`: also while it runs, at every heartbeat, so hosts that share a store take over each
   * other's sessions when one dies. `per-session`: only the sessions `host.recoverSession(key)` names.
   */
  recovery?: "at-start" | "continuous" | "per-session";
  /** Session ownership among the host processes sharing the store: claim lifetime, owner id. */
  ownership?: OwnershipOptions;
  /**
   * How often to look for commands other processes posted for this host's sessions (default 500 ms); they
   * are also applied before every continuation starts.
   */
  inboxPollMs?: number;
}

/** The system text used where {@link HostOptions.systemPrompt} says nothing. */
export const defaultSystemPrompt =
  "You are a helpful assistant working in a chat session. Use the tools you are given when they help.";

export { defaultHostLimits, type HostLimits } from "./turns/turn-limits.js";
