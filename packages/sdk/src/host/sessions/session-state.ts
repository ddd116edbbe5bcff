import type { Sender, TurnKind } from "../../session-context.js";
import type { Fence, LeaseRecord, SessionRecord } from "../../store/store.js";
import type { TurnResult } from "./turn-result.js";

/** Who and what a turn is, as its hooks and events see it. */
export interface TurnIdentity {
  turnId: string;
  kind: TurnKind;
  lease?: LeaseRecord;
  sender: Sender;
  generation: number;
  /** The claim on the session the turn started under: every write of the turn carries it. */
  fence: Fence | undefined;
}

/** A user turn waiting for its session's queue. */
export interface QueuedUserTurn {
  text: string;
  sender: Sender;
  resolve(result: TurnResult): void;
  reject(error: unknown): void;
}

/** The live, in-process state of one session: its record, its user queue and its due leases. */
export class SessionState {
  record: SessionRecord;
  readonly userQueue: QueuedUserTurn[] = [];
  /** Leases whose time has come, waiting for the session to be idle; at most one per lease slot. */
  readonly due: LeaseRecord[] = [];
  running = false;
  /** This host's right to write the session; every write that matters carries it. */
  fence?: Fence;
  /** The claim under which the session's inbox was last read, when the store tells of every post since. */
  inboxCheckedUnder?: Fence;
  /** A continuation claimed in the store whose turn has not started: a clear still withdraws it. */
  admitting?: LeaseRecord;
  /**
   * A continuation claimed in the store that gave way to a person's message before its turn started: once
   * the session is idle it is admitted again (its plugin asked again, not claimed again); a clear, a stop
   * or a reset still withdraws it.
   */
  parked?: LeaseRecord;
  /** The continuation whose turn runs here, until the write that forgets its started lease is done. */
  started?: LeaseRecord;
  /** The write that forgets the started lease of the continuation that just ran; the queue awaits it. */
  finishing?: Promise<void>;
  /** With external turns: the continuation handed to the embedding host, until its turn ends. */
  delivered?: LeaseRecord;
  /** With external turns: the turn the embedding host is running now. */
  externalTurn?: { identity: TurnIdentity; startedAt: number; toolCalls: string[] };

  constructor(record: SessionRecord) {
    this.record = record;
  }

  get open(): boolean {
    return this.record.closedAt === undefined;
  }

  /** The last change of this session's leases on its way (a request's, a clear's, a reset's), settled. */
  #leaseChanges: Promise<void> | undefined;

  /**
   * Runs `work`, a change of the session's leases in the store and in this host, after the ones on their way
   * (at once when none is), so each lands whole in the order they came; a continuation's claim is sent only
   * once none is on its way, so a lease replaced or cleared meanwhile is withdrawn, never claimed.
   */
  changingLeases<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#leaseChanges ? this.#leaseChanges.then(work) : work();
    const landed = () => {
      if (this.#leaseChanges === settled) this.#leaseChanges = undefined;
    };
    const settled: Promise<void> = result.then(landed, landed);
    this.#leaseChanges = settled;
    return result;
  }

  /** Resolves once no change of the session's leases is on its way; undefined when none is. */
  leaseChangesDone(): Promise<void> | undefined {
    return this.#leaseChanges;
  }

  /** Queues a due lease, replacing any due lease of the same slot. */
  addDue(lease: LeaseRecord): void {
    this.removeDue(lease.pluginId, lease.leaseKey);
    this.due.push(lease);
  }

  removeDue(pluginId: string, leaseKey: string): LeaseRecord | undefined {
    const index = this.due.findIndex((lease) => lease.pluginId === pluginId && lease.leaseKey === leaseKey);
    return index === -1 ? undefined : this.due.splice(index, 1)[0];
  }

  /** Whether a turn runs, or is about to, so a due continuation must wait. */
  get busy(): boolean {
    return this.running || this.delivered !== undefined || this.externalTurn !== undefined;
  }

  /** Whether a person's message waits for the queue: a continuation about to start gives way to it. */
  get userWaiting(): boolean {
    return this.userQueue.length > 0;
  }

  /** The due lease that has waited longest. */
  takeDue(): LeaseRecord | undefined {
    if (this.due.length === 0) return undefined;
    let first = 0;
    for (let index = 1; index < this.due.length; index++) {
      if ((this.due[index]?.dueAt ?? 0) < (this.due[first]?.dueAt ?? 0)) first = index;
    }
    return this.due.splice(first, 1)[0];
  }
}
