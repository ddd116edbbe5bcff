import type { SessionContext } from "@goal-lease/sdk";
import type { LoggedGoalEvent } from "./goal.js";

/** What one turn of a session logged that is not in the store yet. */
interface TurnEntries {
  turnId: string;
  /** Entries to go with the turn's next write of the goal or its log, oldest first. */
  held: LoggedGoalEvent[];
}

/**
 * The log entries of each session's running turn that cost no write of their own: held back to go with the
 * turn's next write. Every write of the turn takes them first, so the log keeps its order; the turn's end
 * writes what is left.
 */
export class TurnLog {
  readonly #turns = new Map<string, TurnEntries>();

  /** Holds `entries` for the turn's next write. */
  hold(context: SessionContext, turnId: string, entries: readonly LoggedGoalEvent[]): void {
    this.#of(context, turnId).held.push(...entries);
  }

  /**
   * The entries the context's turn must write with its next write (the list itself: the writer removes what
   * it wrote once it is written). Empty outside a turn.
   */
  pending(context: SessionContext): LoggedGoalEvent[] {
    const turn = this.#turns.get(context.sessionKey);
    return turn === undefined || turn.turnId !== context.turn?.id ? [] : turn.held;
  }

  /** Forgets the session's turn. */
  end(context: SessionContext): void {
    this.#turns.delete(context.sessionKey);
  }

  #of(context: SessionContext, turnId: string): TurnEntries {
    const current = this.#turns.get(context.sessionKey);
    if (current?.turnId === turnId) return current;
    // A turn whose end this plugin never heard of (its session was lost) leaves nothing to write here.
    const turn: TurnEntries = { turnId, held: [] };
    this.#turns.set(context.sessionKey, turn);
    return turn;
  }
}
