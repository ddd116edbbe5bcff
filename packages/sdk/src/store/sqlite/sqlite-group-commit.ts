import type { DatabaseSync } from "node:sqlite";

/** One group commit: the promise its writes (and the reads that saw them) answer after. */
interface Group {
  committed: Promise<void>;
  settle(error?: unknown): void;
}

/**
 * The writes of one event-loop turn in one `BEGIN IMMEDIATE` transaction, committed when the turn ends:
 * every write and read made meanwhile answers only after that commit, so nothing is answered that a crash
 * could still lose, and a thousand sessions' writes cost one commit.
 */
export class GroupCommit {
  readonly #db: DatabaseSync;
  /** Run before a group's transaction begins; throws to refuse it (the store's file was replaced). */
  readonly #beforeBegin: () => void;
  /** Run after each group committed. */
  readonly #committed: () => void;
  readonly #failure: (error: unknown) => Error;
  #open: Group | undefined;

  constructor(
    db: DatabaseSync,
    options: { beforeBegin: () => void; committed: () => void; failure: (error: unknown) => Error },
  ) {
    this.#db = db;
    this.#beforeBegin = options.beforeBegin;
    this.#committed = options.committed;
    this.#failure = options.failure;
  }

  /** The open group, as the promise its writes answer after; undefined when none is open. */
  get open(): Promise<void> | undefined {
    return this.#open?.committed;
  }

  /** Resolves once what has been done so far is committed: at once if no group is open. */
  settled<T>(result: T): T | Promise<T> {
    return this.#open ? this.#open.committed.then(() => result) : result;
  }

  /** The open group, or a new one whose transaction begins now and commits when this event-loop turn ends. */
  join(): Promise<void> {
    if (this.#open) return this.#open.committed;
    this.#beforeBegin();
    this.#db.exec("BEGIN IMMEDIATE");
    let settle!: (error?: unknown) => void;
    const committed = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Callers see the failure through their own answers; this copy must not count as unhandled.
    committed.catch(() => undefined);
    this.#open = { committed, settle };
    setImmediate(() => this.commit());
    return committed;
  }

  /** SQLite rolled the whole transaction back (a full disk, an I/O error): every write of the group fails. */
  abandon(error: unknown): void {
    const group = this.#open;
    this.#open = undefined;
    group?.settle(this.#failure(error));
  }

  /** Commits the open group, answering every write in it; a failed commit fails them all. */
  commit(): void {
    const group = this.#open;
    if (!group) return;
    this.#open = undefined;
    try {
      this.#db.exec("COMMIT");
      group.settle();
      this.#committed();
    } catch (error) {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec("ROLLBACK");
      group.settle(this.#failure(error));
    }
  }
}
