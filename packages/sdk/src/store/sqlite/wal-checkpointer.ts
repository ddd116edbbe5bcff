import { once } from "node:events";
import { Worker } from "node:worker_threads";

/** A second after a commit, at most, the WAL's new pages are copied into the file. */
const checkpointDelayMs = 1_000;

// The checkpointing thread: a connection of its own to the file. A passive checkpoint never waits for a
// lock and never blocks a writer; what it cannot copy now, it copies next time. Source text rather than a
// file, so the SDK works bundled as well.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
const db = new DatabaseSync(workerData.path);
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    parentPort.close();
    return;
  }
  db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
});
`;

/**
 * Checkpoints a store's WAL on a thread of its own. SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold, and copying a thousand pages and syncing the file stalls the event loop for
 * milliseconds, every few hundred turns: most of the SQLite dispatch p99. The thread starts with the first
 * checkpoint, so a process that only reads, or writes for less than a second, never starts one. If the
 * thread fails, the connection checkpoints as SQLite does by default (`fallback`).
 */
export class WalCheckpointer {
  readonly #path: string;
  readonly #fallback: () => void;
  #worker: Worker | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failed = false;

  constructor(path: string, fallback: () => void) {
    this.#path = path;
    this.#fallback = fallback;
  }

  /** A group of writes committed: the WAL is checkpointed within a second. */
  committed(): void {
    if (this.#timer || this.#failed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#thread()?.postMessage("checkpoint");
    }, checkpointDelayMs);
    this.#timer.unref();
  }

  /** Stops the thread (its connection closes first, so the store's own close is the file's last). */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    const exited = once(worker, "exit");
    // Held until it has exited: the close is awaited, and an unreferenced thread would let the process end first.
    worker.ref();
    worker.postMessage("close");
    await exited;
  }

  #thread(): Worker | undefined {
    if (this.#worker || this.#failed) return this.#worker;
    const worker = new Worker(workerSource, { eval: true, workerData: { path: this.#path } });
    // The thread never keeps the process alive: a killed or exiting process loses nothing (the WAL is
    // checkpointed by the next connection to open the file).
    worker.unref();
    worker.on("error", () => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failed = true;
      this.#fallback();
    });
    this.#worker = worker;
    return worker;
  }
}
