import type { Pool } from "pg";
import type { Row } from "../rows.js";
import { awaitApplied, notAppliedError } from "../write-after.js";

/**
 * One write as `apply_batch` takes it: the function whose body runs, its arguments (arrays as array
 * literals), and the fence's owner and token (none: an unfenced write).
 */
export interface BatchOp {
  f: string;
  a: unknown[];
  o?: string;
  t?: number;
  /** The index in its batch of the write this one applies only after. */
  d?: number;
}

/** A write waiting for its batch: the database function's name and arguments, and who awaits its rows. */
interface Pending {
  /** The session whose lock the write takes: a batch takes its locks in this order. */
  lockKey: string;
  op: BatchOp;
  /** An earlier write of the same session: this one applies only if that one wrote or claimed. */
  after?: Pending;
  /** Once answered: whether it applied. */
  applied?: boolean;
  resolve(rows: Row[]): void;
  reject(error: unknown): void;
}

/** The result of one write in a batch, as `apply_batch` returns it. */
type Outcome = { rows: Row[] } | { error: string; code: string };

/**
 * At most this many writes share a transaction: a batch in which one raises runs again with a subtransaction
 * per write, and past 64 of them a transaction's subtransaction ids overflow the server's per-backend cache,
 * which slows every other backend's snapshots.
 */
const maxBatch = 60;

/** Batches on their way at once (never two holding writes of one session). */
const maxInFlight = 2;

/**
 * Group commit on PostgreSQL, as the SQLite store's: the writes made while a batch is on its way (or in one
 * event-loop turn) share one transaction, sent as one statement (one round trip) when the batch before it
 * is answered, or beside it once half a batch of other sessions' writes waits. Each write answers after its
 * batch committed; a write its function refused (a stale fence) or that failed answers with its own error
 * while the others commit. A session's writes are never in two batches on their way at once, so they apply
 * in the order they came; within a batch, writes take their sessions' locks in key order (a stable sort
 * keeps each session's writes in order), as acquisition does, so no two batches wait on each other in a
 * cycle.
 */
export class PostgresGroupCommit {
  readonly #pool: Pool;
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #running = new Set<Promise<void>>();
  /** The sessions with writes in a batch on its way: their next writes wait for it, so they stay in order. */
  readonly #sending = new Set<string>();

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** The writes a store answer stands for, so a later write can name that answer as the one it follows. */
  readonly #answers = new WeakMap<Promise<unknown>, Pending>();
  /** The write `add` queued last, for {@link track}. */
  #added: Pending | undefined;

  /**
   * Queues a write; with `after` (a tracked answer of this session's), it applies only if that write did,
   * in the same batch where it can. An `after` this group does not know is awaited first.
   */
  add(lockKey: string, op: BatchOp, after?: Promise<unknown>): Promise<Row[]> {
    const dependency = after && this.#answers.get(after);
    if (after && dependency?.lockKey !== lockKey) {
      return awaitApplied(after).then(() => this.add(lockKey, op));
    }
    return new Promise<Row[]>((resolve, reject) => {
      const pending: Pending = { lockKey, op, resolve, reject };
      if (dependency) pending.after = dependency;
      this.#added = pending;
      this.#queue.push(pending);
      this.#schedule();
    });
  }

  /**
   * `answer`, made by `write` from the one write it adds (before its first await): a later write may name
   * it as `after`.
   */
  track<T>(write: () => Promise<T>): Promise<T> {
    this.#added = undefined;
    const answer = write();
    if (this.#added) this.#answers.set(answer, this.#added);
    this.#added = undefined;
    return answer;
  }

  /** Resolves once every write added so far has been answered. */
  async drained(): Promise<void> {
    while (this.#running.size > 0 || this.#scheduled || this.#queue.length > 0) {
      if (this.#running.size > 0) await Promise.race(this.#running);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // The writes of this event-loop turn go together.
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  /**
   * Sends what can go: a batch when none is on its way; a second beside it only once half a batch is
   * waiting (the server then applies one while the host reads the other's answers, and small batches
   * would cost a round trip and a commit each).
   */
  #pump(): void {
    while (this.#running.size < maxInFlight) {
      const batch = this.#take(this.#running.size === 0 ? 1 : maxBatch / 2);
      if (!batch) return;
      const running: Promise<void> = this.#send(batch).finally(() => {
        this.#running.delete(running);
        for (const pending of batch) this.#sending.delete(pending.lockKey);
        this.#pump();
      });
      this.#running.add(running);
    }
  }

  /**
   * Up to `maxBatch` queued writes of sessions with none on their way, in the order they came, if at least
   * `least`; the others stay queued, in order.
   */
  #take(least: number): Pending[] | undefined {
    let sendable = 0;
    for (const pending of this.#queue) {
      if (!this.#sending.has(pending.lockKey) && ++sendable >= least) break;
    }
    if (sendable < least) return undefined;
    const batch: Pending[] = [];
    const kept: Pending[] = [];
    for (const pending of this.#queue) {
      if (batch.length < maxBatch && !this.#sending.has(pending.lockKey)) batch.push(pending);
      else kept.push(pending);
    }
    this.#queue = kept;
    for (const pending of batch) this.#sending.add(pending.lockKey);
    return batch;
  }

  async #send(taken: Pending[]): Promise<void> {
    // A write whose dependency was answered in an earlier batch without applying is not sent.
    const batch: Pending[] = [];
    for (const pending of taken) {
      if (pending.after?.applied === false) {
        pending.applied = false;
        pending.reject(notAppliedError());
      } else batch.push(pending);
    }
    if (batch.length === 0) return;
    const ordered = batch
      .map((pending, index) => ({ pending, index }))
      .sort((x, y) =>
        x.pending.lockKey < y.pending.lockKey
          ? -1
          : x.pending.lockKey > y.pending.lockKey
            ? 1
            : x.index - y.index,
      )
      .map(({ pending }) => pending);
    let outcomes: Outcome[];
    try {
      const { rows } = await this.#pool.query({
        name: "goal_lease_apply_batch",
        text: "SELECT apply_batch($1::jsonb) AS outcomes",
        values: [JSON.stringify(ops(ordered))],
      });
      outcomes = rows[0]?.outcomes as Outcome[];
    } catch (error) {
      for (const pending of ordered) {
        pending.applied = false;
        pending.reject(error);
      }
      return;
    }
    ordered.forEach((pending, index) => {
      const outcome = outcomes[index];
      pending.applied = outcome !== undefined && "rows" in outcome && applied(pending.op.f, outcome.rows);
      if (outcome && "rows" in outcome) pending.resolve(outcome.rows);
      else {
        const failed = Object.assign(new Error(outcome?.error ?? "no answer for a write in its batch"), {
          code: outcome?.code,
        });
        pending.reject(failed);
      }
    });
  }
}

/** The batch's ops, each that follows another of the batch naming that one's index. */
function ops(ordered: readonly Pending[]): BatchOp[] {
  const indexOf = new Map<Pending, number>();
  return ordered.map((pending, index) => {
    indexOf.set(pending, index);
    const dependency = pending.after && indexOf.get(pending.after);
    return dependency === undefined ? pending.op : { ...pending.op, d: dependency };
  });
}

/** Whether a write applied, from its rows (as `op_applied` on the server): a state written, a lease claimed. */
function applied(f: string, rows: Row[]): boolean {
  if (f === "write_state") return rows[0] !== undefined && rows[0].written !== null;
  if (f === "claim_lease") return rows.length > 0;
  return true;
}
