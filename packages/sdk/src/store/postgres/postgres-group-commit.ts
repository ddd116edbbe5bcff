import type { Pool } from "pg";
import type { Row } from "../rows.js";

/**
 * One write as `apply_batch` takes it: the function whose body runs, its arguments (arrays as array
 * literals), and the fence's owner and token (none: an unfenced write).
 */
export interface BatchOp {
  f: string;
  a: unknown[];
  o?: string;
  t?: number;
}

/** A write waiting for its batch: the database function's name and arguments, and who awaits its rows. */
interface Pending {
  /** The session whose lock the write takes: a batch takes its locks in this order. */
  lockKey: string;
  op: BatchOp;
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

  add(lockKey: string, op: BatchOp): Promise<Row[]> {
    return new Promise<Row[]>((resolve, reject) => {
      this.#queue.push({ lockKey, op, resolve, reject });
      this.#schedule();
    });
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

  async #send(batch: Pending[]): Promise<void> {
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
        values: [JSON.stringify(ordered.map((pending) => pending.op))],
      });
      outcomes = rows[0]?.outcomes as Outcome[];
    } catch (error) {
      for (const pending of ordered) pending.reject(error);
      return;
    }
    ordered.forEach((pending, index) => {
      const outcome = outcomes[index];
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
