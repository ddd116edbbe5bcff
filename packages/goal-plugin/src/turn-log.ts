import type { SessionContext } from "@goal-lease/sdk";
import type { LoggedGoalEvent } from "./goal.js";

/** What one turn of a session logged that is not in the store yet, or may not be. */
interface TurnEntries {
  turnId: string;
  /** Entries to go with the turn's next write of the goal or its log, oldest first. */
  held: LoggedGoalEvent[];
  /** Appends issued ahead, not awaited by who issued them; a failed one puts its entries back in `held`. */
  ahead: Promise<void>;
}

/**
 * The log entries of each session's running turn that cost no write of their own: held back to go with the
 * turn's next write, or appended ahead without waiting (so the append shares its group commit with the
 * host's next write) and carried again by the next write if that failed. Every write of the turn takes
 * them first, so the log keeps its order; the turn's end writes what is left.
 */
export class TurnLog {
  readonly #turns = new Map<string, TurnEntries>();

  /** Holds `entries` for the turn's next write. */
  hold(context: SessionContext, turnId: string, entries: readonly LoggedGoalEvent[]): void {
    this.#of(context, turnId).held.push(...entries);
  }

  /** Records an append of `entries` issued ahead: if it fails, they go with the turn's next write. */
  ahead(context: SessionContext, turnId: string, entries: LoggedGoalEvent[], appending: Promise<void>): void {
    const turn = this.#of(context, turnId);
    const settled = appending.then(
      () => undefined,
      () => {
        turn.held.unshift(...entries);
      },
    );
    turn.ahead = Promise.all([turn.ahead, settled]).then(() => undefined);
  }

  /**
   * Once the appends issued ahead in the context's turn have settled: the entries its next write must carry
   * (the list itself: the writer removes what it wrote once it is written). Empty outside a turn.
   */
  async pending(context: SessionContext): Promise<LoggedGoalEvent[]> {
    const turn = this.#turns.get(context.sessionKey);
    if (turn === undefined || turn.turnId !== context.turn?.id) return [];
    await turn.ahead;
    return turn.held;
  }

  /** Whether nothing is held for the context's turn now. */
  empty(context: SessionContext): boolean {
    const turn = this.#turns.get(context.sessionKey);
    return turn === undefined || turn.turnId !== context.turn?.id || turn.held.length === 0;
  }

  /** Forgets the session's turn. */
  end(context: SessionContext): void {
    this.#turns.delete(context.sessionKey);
  }

  #of(context: SessionContext, turnId: string): TurnEntries {
    const current = this.#turns.get(context.sessionKey);
    if (current?.turnId === turnId) return current;
    // A turn whose end this plugin never heard of (its session was lost) leaves nothing to write here.
    const turn: TurnEntries = { turnId, held: [], ahead: Promise.resolve() };
    this.#turns.set(context.sessionKey, turn);
    return turn;
  }
}
