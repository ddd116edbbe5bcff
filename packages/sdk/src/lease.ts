import type { SessionContext } from "./session-context.js";
import type { StateWriteResult } from "./store/store.js";

/** Why a lease request or clear was refused. The same union in production and in every test helper. */
export type LeaseRejectionReason =
  | "invalid_request"
  | "untrusted_session"
  | "session_unavailable"
  | "plugin_unloaded"
  | "host_draining"
  | "store_unavailable"
  | "condition_failed";

/** Why a lease that was due did not become a turn. */
export type LeaseDropReason =
  | "not_current"
  | "plugin_unloaded"
  | "session_reset"
  | "session_closed"
  | "host_draining"
  | "delivery_failed"
  | "plugin_declined"
  | "session_lost";

/**
 * Why a continuation turn that started has no recorded end: the process that ran it ended (it died, or
 * lost the session) while it ran, or it ended here but the store failed before its end was on record (the
 * turn was not cut short; its plugin's account of it may be missing).
 */
export type LeaseInterruptReason = "process_ended" | "store_failed";

/** A pending continuation lease as its plugin sees it. */
export interface ContinuationLease {
  readonly id: string;
  readonly leaseKey: string;
  /** SECURITY: plugin-supplied text that becomes the next turn's input; treat as untrusted data. */
  readonly message: string;
  readonly createdAt: number;
  readonly dueAt: number;
}

/** Ask for one follow-up turn in the session of `session`. There is deliberately no session or agent field. */
export interface LeaseRequest {
  readonly session: SessionContext;
  readonly leaseKey: string;
  readonly message: string;
  /** Whole milliseconds from now until the lease is due, 0 (the default) to 7 days: a wait that costs no turn. */
  readonly delayMs?: number;
  /**
   * Schedule only while this plugin's state `stateKey` in the session is still at `version` (the version a
   * write just returned), checked atomically with storing the lease: a stop that changed the state first
   * makes the request `rejected` with `condition_failed`, so a stale decision never overtakes it. Or, with
   * `write` (the promise a `state.set` of this plugin in this session returned, not awaited yet): schedule
   * only if that write writes and the state is still at the version it gives; the store takes the two
   * together where it can, so a write and the continuation it decides cost one round trip.
   */
  readonly condition?:
    | { readonly stateKey: string; readonly version: number }
    | { readonly write: Promise<StateWriteResult> };
}

/** Clear the pending lease `leaseKey` of the session of `session`. */
export interface LeaseClearRequest {
  readonly session: SessionContext;
  readonly leaseKey: string;
}

/** A refusal: nothing was scheduled or changed. `message` is one line that says what to do. */
export interface LeaseRejected {
  readonly status: "rejected";
  readonly reason: LeaseRejectionReason;
  readonly message: string;
}

/** The outcome of {@link SessionWorkflowApi.requestSessionContinuationLease}. */
export type LeaseRequestResult =
  | { readonly status: "scheduled"; readonly lease: ContinuationLease; readonly replaced: boolean }
  | LeaseRejected;

/** The outcome of {@link SessionWorkflowApi.clearSessionContinuationLease}; clearing a missing lease is not an error. */
export type LeaseClearResult =
  | { readonly status: "cleared" }
  | { readonly status: "not_found" }
  | LeaseRejected;

/** The outcome of {@link SessionWorkflowApi.getSessionContinuationLease}. */
export type LeaseLookupResult =
  | { readonly status: "pending"; readonly lease: ContinuationLease }
  | { readonly status: "not_found" }
  | LeaseRejected;

/** The session continuation lease, as plugins reach it through `api.session.workflow`. */
export interface SessionWorkflowApi {
  requestSessionContinuationLease(request: LeaseRequest): Promise<LeaseRequestResult>;
  clearSessionContinuationLease(request: LeaseClearRequest): Promise<LeaseClearResult>;
  /** Reads this plugin's pending lease `leaseKey` in the context's session, e.g. to notice one lost to a crash. */
  getSessionContinuationLease(request: LeaseClearRequest): Promise<LeaseLookupResult>;
}

/** Bounds on lease requests. */
export const leaseLimits = Object.freeze({
  leaseKeyPattern: /^[A-Za-z0-9._-]{1,80}$/,
  maxMessageChars: 32_000,
  maxDelayMs: 7 * 24 * 60 * 60 * 1000,
});
