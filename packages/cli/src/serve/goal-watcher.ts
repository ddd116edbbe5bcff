import { type Goal, goalEvents, goalStateLocation } from "@goal-lease/goal-plugin";
import type { HostStore } from "@goal-lease/sdk";
import { readGoalDetail, readVersionedGoal } from "./goal-reads.js";
import { eventKey, type GoalSummary } from "./goal-summary.js";

/** A change the watcher saw: a goal written (created, advanced, stopped), or a goal gone. */
export type GoalChange = { type: "goal"; goal: GoalSummary } | { type: "removed"; session: string };

/**
 * Watches the store for goal changes, for every event-stream client at once: one poll loop per server,
 * running only while someone listens. A poll reads each session's goal version (one small read per
 * session, and the last log entry of a running goal) and summarizes only the goals that moved; the
 * stores have no change feed that spans
 * SQLite and PostgreSQL alike, and a version check every few hundred milliseconds costs next to nothing.
 */
export class GoalWatcher {
  readonly #store: HostStore;
  readonly #pollMs: number;
  readonly #listeners = new Set<(change: GoalChange) => void>();
  readonly #known = new Map<string, GoalSummary>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;

  constructor(store: HostStore, options: { pollMs: number }) {
    this.#store = store;
    this.#pollMs = options.pollMs;
  }

  /** Listens for changes; the first listener starts the poll loop, the last one leaving stops it. */
  subscribe(listener: (change: GoalChange) => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#schedule();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Every goal as of now (after a poll), most recently changed first. */
  async snapshot(): Promise<GoalSummary[]> {
    await this.poll();
    return [...this.#known.values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** Polls once (joining a poll under way) and tells the listeners what changed. */
  poll(): Promise<void> {
    this.#polling ??= this.#pollOnce().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  /** Stops the poll loop. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const timer = setTimeout(() => {
      this.poll()
        // A store that fails a poll (PostgreSQL restarting) is tried again at the next tick.
        .catch(() => undefined)
        .finally(() => {
          if (this.#timer === timer) this.#schedule();
        });
    }, this.#pollMs);
    timer.unref();
    this.#timer = timer;
  }

  async #pollOnce(): Promise<void> {
    const seen = new Set<string>();
    for (const session of await this.#store.listSessions()) {
      const key = session.sessionKey;
      const read = await readVersionedGoal(this.#store, key);
      if (!read) continue;
      seen.add(key);
      const known = this.#known.get(key);
      if (known?.version === read.version && !(await this.#logMoved(key, read.goal, known))) continue;
      const detail = await readGoalDetail(this.#store, key);
      if (!detail) continue;
      this.#known.set(key, detail.summary);
      this.#emit({ type: "goal", goal: detail.summary });
    }
    for (const key of this.#known.keys()) {
      if (seen.has(key)) continue;
      this.#known.delete(key);
      this.#emit({ type: "removed", session: key });
    }
  }

  /**
   * Whether a running goal logged an event since it was summarized: what only says what happened (a turn
   * started, a continuation scheduled) does not write the goal. One small read, for running goals only.
   */
  async #logMoved(session: string, goal: Goal, known: GoalSummary): Promise<boolean> {
    if (goal.status !== "active") return false;
    const { pluginId, key } = goalStateLocation;
    const last = await this.#store.readLog(pluginId, session, key, { limit: 1 });
    return eventKey(goalEvents(goal, last).at(-1)) !== known.lastEvent;
  }

  #emit(change: GoalChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
