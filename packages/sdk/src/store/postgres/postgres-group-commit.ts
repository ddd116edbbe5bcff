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
 * At most this many writes share a transaction: each is a subtransaction, and past 64 of them a transaction's
 * subtransaction ids overflow the server's per-backend cache, which slows every other backend's snapshots.
 */
const maxBatch = 60;

/**
 * Group commit on PostgreSQL, as the SQLite store's: the writes made while a batch is on its way (or in one
 * event-loop turn) share one transaction, sent as one statement (one round trip) when the batch before it
 * is answered. Each write answers after its batch committed; a write its function refused (a stale fence)
 * or that failed answers with its own error while the others commit. Within a batch, writes take their
 * sessions' locks in key order (a stable sort keeps each session's writes in the order they came), as
 * acquisition does, so two hosts' batches never wait on each other in a cycle.
 */
export class PostgresGroupCommit {
  readonly #pool: Pool;
  #queue: Pending[] = [];
  #scheduled = false;
  #running: Promise<void> | undefined;

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
    while (this.#running || this.#scheduled)
      await (this.#running ?? new Promise<void>((resolve) => setImmediate(resolve)));
  }

  #schedule(): void {
    if (this.#running || this.#scheduled) return;
    this.#scheduled = true;
    // The writes of this event-loop turn go together.
    setImmediate(() => {
      this.#scheduled = false;
      this.#running = this.#flush().finally(() => {
        this.#running = undefined;
        if (this.#queue.length > 0) this.#schedule();
      });
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, maxBatch);
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
        continue;
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
}
