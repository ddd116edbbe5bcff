import { GoalLeaseError } from "../errors.js";
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

/** How many entries a plugin log keeps: older ones are dropped as new ones come. */
export const maxLogEntries = 1_000;

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
 * The right to write a session: its owner and the token it was given when it took the session. The token
 * grows with every change of owner, so a write carrying an older one (a process that lost the session
 * while it stalled) is refused, never applied.
 */
export interface Fence {
  readonly ownerId: string;
  readonly token: number;
}

/** Who owns a session, and until when it counts as alive without renewing. */
export interface SessionOwner {
  sessionKey: string;
  ownerId: string;
  token: number;
  expiresAt: number;
}

/** The outcome of {@link HostStore.acquireSession}. */
export type AcquireResult =
  | { status: "acquired"; fence: Fence; previous?: SessionOwner }
  | { status: "held"; owner: SessionOwner };

/**
 * Options of every write that matters to a session: with `fence`, it applies only for that session's owner.
 * A `fence` field that is present but `undefined` (a host that lost the session) is refused, never taken
 * as "no check"; leaving the field out is an unfenced write, for a process with the store to itself.
 */
export interface WriteOptions {
  fence?: Fence | undefined;
  /**
   * An earlier write of this store, still on its way or answered: the promise a `writeState` or a
   * `claimLease` returned. This write applies only if that one did (wrote; claimed) and otherwise rejects
   * with code `not_applied`, having written nothing. A networked store sends the two together where it can
   * (one round trip); one that cannot waits for `after` first.
   */
  after?: Promise<unknown>;
}

/** A lease written only while the plugin's state `key` in the lease's session is at `version` (0: absent). */
export interface StateCondition {
  key: string;
  version: number;
}

/**
 * The inbox's bounds: a session holds at most this many commands its process has not answered (a post past
 * it is refused), and an answer removes the session's commands answered more than this long before it.
 */
export const inboxLimits = Object.freeze({ maxPending: 64, keepAnsweredMs: 60 * 60 * 1_000 });

/** The one-line refusal of a command posted to a session whose inbox is full. */
export function inboxFullError(sessionKey: string): GoalLeaseError {
  return new GoalLeaseError({
    code: "inbox_full",
    message: `Session ${JSON.stringify(sessionKey)} already has ${inboxLimits.maxPending} commands waiting for its process; wait for it to answer them.`,
  });
}

/**
 * A person's change for a session owned by another process, as data (a plugin's control and its input, never
 * chat text shaped for one command name): applied there and answered through the store.
 */
export interface InboxCommand {
  id: string;
  sessionKey: string;
  pluginId: string;
  /** The control's name, e.g. the goal plugin's `pause`. */
  verb: string;
  /** SECURITY: a person's input, as the host that took it authenticated its sender; data, not routing. */
  input: JsonValue;
  sender: { id: string; isOwner: boolean };
  postedAt: number;
  answer?: CommandAnswer;
}

/** The owner's answer to a posted command: its reply, and whether the change is in force. */
export interface CommandAnswer {
  reply: string;
  applied: boolean;
  at: number;
}

/** The answer a store gives a command an older goal-lease posted as chat text and no process ran. */
export const legacyCommandReply =
  "Not applied: it was sent by an older goal-lease as chat text before this store was upgraded; send it again.";

/**
 * Everything the host persists. Every method that a result depends on resolves only after the write is
 * committed; implementations make `putLease`, `claimLease` and `writeState` atomic.
 */
export interface HostStore {
  getSession(sessionKey: string): Promise<SessionRecord | undefined>;
  putSession(record: SessionRecord, options?: WriteOptions): Promise<void>;
  /**
   * Every session, oldest first; in any order with `ordered: false` (a host taking over many sessions at
   * once reads them so, and a store may skip the sort).
   */
  listSessions(options?: { ordered?: boolean }): Promise<SessionRecord[]>;

  /**
   * Makes `ownerId` the owner of each session until `now + ttlMs`, unless another owner holds it and has
   * not expired; one result per key, in order, all in one transaction. Taking a session from anyone else
   * (or from nobody) issues a new, larger token; renewing one's own keeps it.
   */
  acquireSessions(
    sessionKeys: readonly string[],
    ownerId: string,
    options: { now: number; ttlMs: number },
  ): Promise<AcquireResult[]>;
  /**
   * Keeps `ownerId` alive until `now + ttlMs` (one write, whatever the number of its sessions); returns the
   * sessions it still owns (the others were taken).
   */
  renewSessions(ownerId: string, options: { now: number; ttlMs: number }): Promise<string[]>;
  /** Gives up `ownerId`'s sessions (all, or those named): they expire at once, tokens kept. */
  releaseSessions(ownerId: string, sessionKeys?: readonly string[]): Promise<void>;
  listOwners(): Promise<SessionOwner[]>;
  /**
   * Sessions with work and no live owner at `now`: pending or started leases, or unanswered commands,
   * left by a process that died or let its claim expire.
   */
  listOrphanedSessions(now: number): Promise<string[]>;

  /**
   * Queues a command for the session's owner; returns it with its id. Refused (`inbox_full`) while the
   * session has {@link inboxLimits}.maxPending commands unanswered.
   */
  postCommand(command: Omit<InboxCommand, "id" | "answer">): Promise<InboxCommand>;
  getCommand(id: string): Promise<InboxCommand | undefined>;
  /** Commands not answered yet (of one session, or all), oldest first. */
  listPendingCommands(sessionKey?: string): Promise<InboxCommand[]>;
  /**
   * Calls `listener` with the session of each command posted from now on, where the store can tell (one
   * process's memory, a database that notifies); a store without it is polled. Returns the unsubscribe.
   */
  watchCommands?(listener: (sessionKey: string) => void): () => void;
  /**
   * Records the owner's reply; false if it was answered already. Removes the session's commands answered
   * more than {@link inboxLimits}.keepAnsweredMs before this answer.
   */
  answerCommand(id: string, answer: CommandAnswer, options?: WriteOptions): Promise<boolean>;

  appendTranscript(
    sessionKey: string,
    entries: readonly TranscriptEntry[],
    options?: WriteOptions,
  ): Promise<void>;
  /** The last `limit` entries of `generation`, oldest first. */
  readTranscript(
    sessionKey: string,
    options: { generation: number; limit: number },
  ): Promise<TranscriptEntry[]>;

  /** A fresh copy on every call: the caller may change it without touching what is stored. */
  readState(pluginId: string, scope: string, key: string): Promise<StateEntry | undefined>;
  /**
   * With `log`, those entries are appended to the key's log in the same transaction, if the value is
   * written. `json` is `JSON.stringify(value)` when the caller has made it already: a store that keeps the
   * text need not make it again.
   */
  writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
    options?: WriteOptions & { log?: readonly JsonValue[]; json?: string },
  ): Promise<StateWriteResult>;
  /** Deletes the value and its log. */
  deleteState(pluginId: string, scope: string, key: string, options?: WriteOptions): Promise<boolean>;

  /**
   * Appends to the append-only log beside state `key` (which need not exist), keeping the last
   * {@link maxLogEntries}. A log is read only when asked, so what a plugin records costs no state read.
   */
  appendLog(
    pluginId: string,
    scope: string,
    key: string,
    entries: readonly JsonValue[],
    options?: WriteOptions,
  ): Promise<void>;
  /** The last `limit` entries of the log, oldest first; fresh copies. */
  readLog(pluginId: string, scope: string, key: string, options: { limit: number }): Promise<JsonValue[]>;

  /**
   * Stores `record` as the slot's pending lease, replacing (and returning) any pending one. With `ifState`,
   * only while the plugin's state is at that version, checked in the same transaction; otherwise nothing is
   * written and the current version is returned.
   */
  putLease(
    record: LeaseRecord,
    options?: WriteOptions & { ifState?: StateCondition },
  ): Promise<{ replaced: LeaseRecord | undefined } | { conflict: { version: number } }>;
  getLease(slot: LeaseSlot): Promise<LeaseRecord | undefined>;
  /** Deletes the slot's pending lease; with `expectedId`, only if it is still that lease. */
  deleteLease(slot: LeaseSlot, expectedId?: string, options?: WriteOptions): Promise<LeaseRecord | undefined>;
  deleteSessionLeases(sessionKey: string, options?: WriteOptions): Promise<LeaseRecord[]>;
  /** Pending leases (of one session, or all). */
  listLeases(sessionKey?: string): Promise<LeaseRecord[]>;
  /** Atomically moves the slot's pending lease `id` to the started set; undefined if it is no longer current. */
  claimLease(slot: LeaseSlot, id: string, options?: WriteOptions): Promise<LeaseRecord | undefined>;
  /** Forgets a started lease once its turn has ended. */
  finishLease(id: string, options?: WriteOptions): Promise<void>;
  /** Leases whose turn started and never finished: after a crash, these are interrupted, never replayed. */
  listStartedLeases(sessionKey?: string): Promise<LeaseRecord[]>;

  close(): Promise<void>;
}
