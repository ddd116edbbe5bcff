import {
  GoalLeaseError,
  type JsonValue,
  maxLogEntries,
  type PluginApi,
  type SessionContext,
  type StateWriteResult,
} from "@goal-lease/sdk";
import {
  type Goal,
  type GoalEvent,
  type LegacyGoalFields,
  type LoggedGoalEvent,
  takeEvents,
} from "./goal.js";
import { goalEvents, goalStateLocation, legacyEvents } from "./goal-reader.js";
import { TurnLog } from "./turn-log.js";

const goalKey = goalStateLocation.key;
const maxAttempts = 5;

/** The goal as a turn read it: its JSON (absent: undefined), version, and the frozen copy looked at. */
type TurnRead = { turnId: string; json: string | undefined; version: number; frozen?: Goal };

/** A stored goal and its version. */
export interface GoalEntry {
  goal: Goal;
  version: number;
}

/**
 * Sees every write of a goal: adds to it what must be written with it, and hears what was written. The
 * notifier is one: a stop's notification is written with the stop, then sent.
 */
export interface GoalWriteHook {
  /** Before `next` is written with `events`, its new log entries: may add to `next`. */
  beforeWrite(context: SessionContext, next: Goal, events: readonly LoggedGoalEvent[]): void | Promise<void>;
  /** `written` is in the store now. */
  afterWrite(context: SessionContext, written: GoalEntry, store: GoalStore): void;
}

/** Thrown when a stored goal has a format this version cannot read. */
export class GoalFormatError extends GoalLeaseError {
  override readonly name = "GoalFormatError";

  constructor(message: string) {
    super({ code: "goal_format", message });
  }
}

/**
 * The session's goal in plugin state, read and changed with compare-and-set, and its event log beside it
 * in the store (one log per session; each entry names its goal).
 */
export class GoalStore {
  readonly #api: PluginApi;
  readonly #hook: GoalWriteHook | undefined;
  /**
   * The goal as the running turn of each session read it, so a turn reads its goal once however many of
   * its hooks ask. Any write of the session's goal in this process (a report, a command typed meanwhile)
   * drops it; no other process writes the goal of a session this one owns.
   */
  readonly #turnReads = new Map<string, TurnRead>();
  /** What the running turn of each session logged without a write of its own. */
  readonly #turnLog = new TurnLog();

  constructor(api: PluginApi, hook?: GoalWriteHook) {
    this.#api = api;
    this.#hook = hook;
  }

  /**
   * The session's goal to look at, frozen (to change it, {@link update} it): within a turn, the one copy the
   * turn read, parsed once however many of its hooks ask.
   */
  async read(context: SessionContext): Promise<Goal | undefined> {
    const turnId = context.turn?.id;
    const held = turnId === undefined ? undefined : this.#turnReads.get(context.sessionKey);
    if (held && held.turnId === turnId) {
      if (held.json === undefined) return undefined;
      held.frozen ??= deepFreeze(checked(JSON.parse(held.json), held.version).goal);
      return held.frozen;
    }
    // Not read by this turn yet: the fresh copy read now becomes the turn's frozen one.
    const goal = deepFreeze((await this.readEntry(context))?.goal);
    const read = turnId === undefined ? undefined : this.#turnReads.get(context.sessionKey);
    if (goal && read && read.turnId === turnId) read.frozen = goal;
    return goal;
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

  /**
   * {@link update}, returning the goal with the version it now has in the store. The events `change`
   * logged on the copy are appended to the log in the same transaction as the goal. `alongside` is called
   * with the goal being written and the write on its way, for what must follow from that write only (its
   * answer, which must not reject, comes back with the entry).
   */
  async write<Along = never>(
    context: SessionContext,
    change: (goal: Goal | undefined) => Goal | undefined | Promise<Goal | undefined>,
    alongside?: (next: Goal, written: Promise<StateWriteResult>) => Promise<Along> | undefined,
  ): Promise<(GoalEntry & { alongside?: Along }) | undefined> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      // A retry reads what the store has now, never the turn's copy that lost the race.
      if (attempt > 0) this.#turnReads.delete(context.sessionKey);
      const entry = await this.readEntry(context);
      // The store hands out a fresh copy on every read, so `change` may mutate it freely.
      const next = await change(entry?.goal);
      if (!next) {
        if (entry) takeEvents(entry.goal);
        return entry;
      }
      // A goal stored with its log inside moves the log out with this write.
      const legacy = legacyEvents(next);
      delete (next as LegacyGoalFields).events;
      delete (next as LegacyGoalFields).droppedEvents;
      const events = takeEvents(next);
      // Awaited only when the hook has work to do, so a plain write keeps its timing.
      const adding = this.#hook?.beforeWrite(context, next, events);
      if (adding) await adding;
      const held = this.#turnLog.pending(context);
      const log = [...held.slice(), ...legacy, ...events] as unknown as JsonValue[];
      const carried = held.length;
      this.#turnReads.delete(context.sessionKey);
      const writing = this.#api.state.set(context, goalKey, next as unknown as JsonValue, {
        expectedVersion: entry?.version ?? 0,
        log,
      });
      // What follows from this write only if it writes (a continuation conditional on it) goes with it.
      const along = alongside?.(next, writing);
      let written: StateWriteResult;
      try {
        written = await writing;
      } finally {
        await along;
      }
      if (written.status === "written") {
        held.splice(0, carried);
        const result = { goal: next, version: written.version };
        this.#hook?.afterWrite(context, result, this);
        return along ? { ...result, alongside: await along } : result;
      }
    }
    throw new Error("The goal kept changing while it was being updated; try the command again.");
  }

  /** Appends events of `goal` to the log without writing the goal: what happened, not what it is. */
  async log(context: SessionContext, goal: Goal, events: readonly GoalEvent[]): Promise<void> {
    const held = this.#turnLog.pending(context);
    const carried = held.length;
    const entries: LoggedGoalEvent[] = [...held, ...loggedOf(goal, events)];
    await this.#api.state.append(context, goalKey, entries as unknown as JsonValue[]);
    held.splice(0, carried);
  }

  /**
   * {@link log}, within a turn held back to go with the goal's next write in it, or with the turn's end
   * ({@link endTurn}): in order with the others, one write fewer.
   */
  async logWithTurn(context: SessionContext, goal: Goal, events: readonly GoalEvent[]): Promise<void> {
    const turnId = context.turn?.id;
    if (turnId === undefined) return this.log(context, goal, events);
    this.#turnLog.hold(context, turnId, loggedOf(goal, events));
  }

  /** The session's turn has ended: what it held back is logged, and its copy of the goal is dropped. */
  async endTurn(context: SessionContext): Promise<void> {
    this.#turnReads.delete(context.sessionKey);
    try {
      const held = this.#turnLog.pending(context);
      if (held.length > 0)
        await this.#api.state.append(context, goalKey, held.slice() as unknown as JsonValue[]);
    } finally {
      this.#turnLog.end(context);
    }
  }

  /** The goal's events still kept, oldest first. */
  async events(context: SessionContext, goal: Goal): Promise<GoalEvent[]> {
    return goalEvents(goal, await this.#api.state.log(context, goalKey, { limit: maxLogEntries }));
  }

  /** Deletes the goal without reading it: the way out when it cannot be read. */
  async discard(context: SessionContext): Promise<void> {
    this.#turnReads.delete(context.sessionKey);
    this.#turnLog.end(context);
    await this.#api.state.delete(context, goalKey);
  }

  /**
   * The goal and its version in the store, which a continuation request can be made conditional on; a
   * fresh copy every time. Within a turn, the store is read once.
   */
  async readEntry(context: SessionContext): Promise<GoalEntry | undefined> {
    const turnId = context.turn?.id;
    const copy = turnId === undefined ? undefined : this.#turnReads.get(context.sessionKey);
    if (copy !== undefined && copy.turnId === turnId) {
      return copy.json === undefined ? undefined : checked(JSON.parse(copy.json), copy.version);
    }
    const entry = await this.#api.state.get(context, goalKey);
    if (turnId !== undefined) {
      const json = entry ? JSON.stringify(entry.value) : undefined;
      this.#turnReads.set(context.sessionKey, { turnId, json, version: entry?.version ?? 0 });
    }
    return entry ? checked(entry.value, entry.version) : undefined;
  }
}

/** A stored goal of the format this version reads, or a {@link GoalFormatError} that says what to do. */
function checked(value: unknown, version: number): GoalEntry {
  const goal = value as Goal;
  if (goal?.formatVersion !== 1) {
    throw new GoalFormatError(
      `The stored goal has format ${JSON.stringify(goal?.formatVersion)}; this version reads format 1. Upgrade goal-lease, or clear the goal to start over.`,
    );
  }
  return { goal, version };
}

/** `value`, frozen through and through: a goal handed out to be looked at, shared by the turn's readers. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Events of `goal` as its log keeps them: each names the goal. */
function loggedOf(goal: Goal, events: readonly GoalEvent[]): LoggedGoalEvent[] {
  return events.map((event) => ({ ...event, goalId: goal.id }));
}
