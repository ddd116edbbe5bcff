import type { JsonValue, PluginApi, SessionContext } from "@goal-lease/sdk";
import type { Goal } from "./goal.js";
import { goalStateLocation } from "./goal-reader.js";

const goalKey = goalStateLocation.key;
const maxAttempts = 5;

/** A stored goal and its version. */
export interface GoalEntry {
  goal: Goal;
  version: number;
}

/** Thrown when a stored goal has a format this version cannot read. */
export class GoalFormatError extends Error {
  override readonly name = "GoalFormatError";
}

/** The session's goal in plugin state, read and changed with compare-and-set. */
export class GoalStore {
  readonly #api: PluginApi;

  constructor(api: PluginApi) {
    this.#api = api;
  }

  async read(context: SessionContext): Promise<Goal | undefined> {
    return (await this.readEntry(context))?.goal;
  }

  /**
   * Applies `change` to a copy of the current goal and writes it if nobody wrote in between, retrying on a
   * conflict. `change` returns the goal to store, or undefined to write nothing.
   */
  async update(
    context: SessionContext,
    change: (goal: Goal | undefined) => Goal | undefined | Promise<Goal | undefined>,
  ): Promise<Goal | undefined> {
    return (await this.write(context, change))?.goal;
  }

  /** {@link update}, returning the goal with the version it now has in the store. */
  async write(
    context: SessionContext,
    change: (goal: Goal | undefined) => Goal | undefined | Promise<Goal | undefined>,
  ): Promise<GoalEntry | undefined> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const entry = await this.readEntry(context);
      // The store hands out a fresh copy on every read, so `change` may mutate it freely.
      const next = await change(entry?.goal);
      if (!next) return entry;
      const written = await this.#api.state.set(context, goalKey, next as unknown as JsonValue, {
        expectedVersion: entry?.version ?? 0,
      });
      if (written.status === "written") return { goal: next, version: written.version };
    }
    throw new Error("The goal kept changing while it was being updated; try the command again.");
  }

  /** Deletes the goal without reading it: the way out when it cannot be read. */
  async discard(context: SessionContext): Promise<void> {
    await this.#api.state.delete(context, goalKey);
  }

  /** The goal and its version in the store, which a continuation request can be made conditional on. */
  async readEntry(context: SessionContext): Promise<GoalEntry | undefined> {
    const entry = await this.#api.state.get(context, goalKey);
    if (!entry) return undefined;
    const goal = entry.value as unknown as Goal;
    if (goal?.formatVersion !== 1) {
      throw new GoalFormatError(
        `The stored goal has format ${JSON.stringify(goal?.formatVersion)}; this version reads format 1. Upgrade goal-lease, or clear the goal to start over.`,
      );
    }
    return { goal, version: entry.version };
  }
}
