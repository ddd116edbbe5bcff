import type { JsonValue } from "../json.js";
import type { ModelMessage } from "../model.js";

/** A session as the host stores it. `generation` grows on every reset. */
export interface SessionRecord {
  sessionKey: string;
  agentId: string;
  channel: string;
  generation: number;
  createdAt: number;
  closedAt?: number;
}

/** One message of a session's transcript, tagged with the generation and turn it belongs to. */
export interface TranscriptEntry {
  generation: number;
  turnId: string;
  at: number;
  /** On the input of a continuation turn: the lease it came from, so one lease provably made one turn. */
  leaseId?: string;
  message: ModelMessage;
}

/** A stored plugin state value and its version (1 after the first write). */
export interface StateEntry {
  value: JsonValue;
  version: number;
}

/** Outcome of a compare-and-set write: `expectedVersion` 0 means "must not exist yet". */
export type StateWriteResult =
  | { status: "written"; version: number }
  | { status: "conflict"; current: StateEntry | undefined };

/** Where a lease lives: at most one pending lease per slot. */
export interface LeaseSlot {
  pluginId: string;
  sessionKey: string;
  leaseKey: string;
}

/** A lease as the host stores it. */
export interface LeaseRecord extends LeaseSlot {
  id: string;
  message: string;
  createdAt: number;
  dueAt: number;
  /** The session generation the lease was granted in; a reset makes it stale. */
  generation: number;
}

/**
 * Everything the host persists. Every method that a result depends on resolves only after the write is
 * committed; implementations make `putLease`, `claimLease` and `writeState` atomic.
 */
export interface HostStore {
  getSession(sessionKey: string): Promise<SessionRecord | undefined>;
  putSession(record: SessionRecord): Promise<void>;
  listSessions(): Promise<SessionRecord[]>;

  appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[]): Promise<void>;
  /** The last `limit` entries of `generation`, oldest first. */
  readTranscript(
    sessionKey: string,
    options: { generation: number; limit: number },
  ): Promise<TranscriptEntry[]>;

  /** A fresh copy on every call: the caller may change it without touching what is stored. */
  readState(pluginId: string, scope: string, key: string): Promise<StateEntry | undefined>;
  writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
  ): Promise<StateWriteResult>;
  deleteState(pluginId: string, scope: string, key: string): Promise<boolean>;

  /** Stores `record` as the slot's pending lease, replacing (and returning) any pending one. */
  putLease(record: LeaseRecord): Promise<{ replaced: LeaseRecord | undefined }>;
  getLease(slot: LeaseSlot): Promise<LeaseRecord | undefined>;
  /** Deletes the slot's pending lease; with `expectedId`, only if it is still that lease. */
  deleteLease(slot: LeaseSlot, expectedId?: string): Promise<LeaseRecord | undefined>;
  deleteSessionLeases(sessionKey: string): Promise<LeaseRecord[]>;
  listLeases(): Promise<LeaseRecord[]>;
  /** Atomically moves the slot's pending lease `id` to the started set; undefined if it is no longer current. */
  claimLease(slot: LeaseSlot, id: string): Promise<LeaseRecord | undefined>;
  /** Forgets a started lease once its turn has ended. */
  finishLease(id: string): Promise<void>;
  /** Leases whose turn started and never finished: after a crash, these are interrupted, never replayed. */
  listStartedLeases(): Promise<LeaseRecord[]>;

  close(): Promise<void>;
}
