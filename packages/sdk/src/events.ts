import type {
  ContinuationLease,
  LeaseDropReason,
  LeaseInterruptReason,
  LeaseRejectionReason,
} from "./lease.js";
import type { TurnOutcome, TurnUsage } from "./plugin.js";
import type { TurnKind } from "./session-context.js";

/** Every event the host emits, by name. Each payload also carries `at`, the host clock's time. */
export interface HostEventMap {
  "session-opened": { sessionKey: string; agentId: string; channel: string };
  "session-reset": { sessionKey: string; generation: number };
  "session-closed": { sessionKey: string };
  /** Another host process took the session over (this one stalled past its claim); nothing more runs here. */
  "session-lost": { sessionKey: string };
  "command-run": {
    sessionKey: string;
    name: string;
    pluginId?: string;
    status: "ok" | "denied" | "unknown" | "error";
    message?: string;
  };
  /** A /command another process posted (through the store) ran in a session this host owns. */
  /** A change another process sent, applied (or not) here: the plugin's control, and its answer. */
  "command-forwarded": {
    sessionKey: string;
    pluginId: string;
    verb: string;
    /** SECURITY: the sender's input, as the control's schema read it; data. */
    input: unknown;
    reply: string;
    applied: boolean;
  };
  "turn-start": { sessionKey: string; turnId: string; kind: TurnKind; pluginId?: string; leaseKey?: string };
  "model-call": { sessionKey: string; turnId: string; step: number };
  "tool-call": { sessionKey: string; turnId: string; name: string; status: "ok" | "error"; message?: string };
  "turn-end": {
    sessionKey: string;
    turnId: string;
    kind: TurnKind;
    outcome: TurnOutcome;
    usage: TurnUsage;
    /** The model's last text of the turn. SECURITY: model output. */
    text: string;
  };
  "lease-scheduled": { sessionKey: string; pluginId: string; lease: ContinuationLease; replaced: boolean };
  "lease-rejected": { pluginId: string; reason: LeaseRejectionReason; message: string };
  "lease-cleared": { sessionKey: string; pluginId: string; leaseKey: string; leaseId: string };
  "lease-admitted": { sessionKey: string; pluginId: string; leaseKey: string; leaseId: string };
  "lease-dropped": {
    sessionKey: string;
    pluginId: string;
    leaseKey: string;
    leaseId: string;
    reason: LeaseDropReason;
  };
  /** A continuation turn started and its end is not on record (see `LeaseInterruptReason`); never replayed. */
  "lease-interrupted": {
    sessionKey: string;
    pluginId: string;
    leaseKey: string;
    leaseId: string;
    reason: LeaseInterruptReason;
  };
  "plugin-error": { pluginId: string; hook: string; message: string };
  /** The host itself failed (usually the store); the session stays usable. */
  "host-error": { sessionKey?: string; message: string };
}

/** The name of a host event. */
export type HostEventName = keyof HostEventMap;

/** The payload of host event `Name`, with the time it happened. */
export type HostEvent<Name extends HostEventName> = HostEventMap[Name] & { at: number };

/** A subscriber to host event `Name`. */
export type HostEventListener<Name extends HostEventName> = (event: HostEvent<Name>) => void;

/** A typed event emitter. Listeners run synchronously; one that throws is skipped so the host keeps going. */
export class EventBus {
  readonly #listeners = new Map<HostEventName, Set<HostEventListener<never>>>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Subscribes and returns the unsubscribe function. */
  on<Name extends HostEventName>(name: Name, listener: HostEventListener<Name>): () => void {
    const listeners = this.#listeners.get(name) ?? new Set();
    listeners.add(listener as HostEventListener<never>);
    this.#listeners.set(name, listeners);
    return () => {
      listeners.delete(listener as HostEventListener<never>);
    };
  }

  emit<Name extends HostEventName>(name: Name, payload: HostEventMap[Name]): void {
    const listeners = this.#listeners.get(name);
    if (!listeners || listeners.size === 0) return;
    const event = { ...payload, at: this.#now() } as HostEvent<Name>;
    for (const listener of listeners) {
      try {
        (listener as HostEventListener<Name>)(event);
      } catch {
        // A broken observer must not break the session it observes.
      }
    }
  }
}
