/**
 * Calls of one kind to a store, made while one is on its way, go together in one call after it: many
 * sessions opening at once ask once per step, not once each. A call with none on its way goes at once, so a
 * lone caller waits no longer than before. `fetch` answers one value per key, in order; so does `ask`.
 */
export class Coalesced<K, V> {
  readonly #fetch: (keys: readonly K[]) => Promise<V[]>;
  #asking: Promise<V[]> | undefined;
  #waiting: { keys: K[]; answer: Promise<V[]> } | undefined;

  constructor(fetch: (keys: readonly K[]) => Promise<V[]>) {
    this.#fetch = fetch;
  }

  async ask(keys: readonly K[]): Promise<V[]> {
    if (keys.length === 0) return [];
    if (!this.#asking) return this.#send(keys);
    if (!this.#waiting) {
      const keys: K[] = [];
      const send = () => this.#send(keys);
      this.#waiting = { keys, answer: this.#asking.then(send, send) };
    }
    const { keys: waiting, answer } = this.#waiting;
    const start = waiting.length;
    waiting.push(...keys);
    return (await answer).slice(start, start + keys.length);
  }

  async one(key: K): Promise<V> {
    return (await this.ask([key]))[0] as V;
  }

  #send(keys: readonly K[]): Promise<V[]> {
    if (this.#waiting?.keys === keys) this.#waiting = undefined;
    const asking = this.#fetch(keys);
    this.#asking = asking;
    const done = () => {
      if (this.#asking === asking) this.#asking = undefined;
    };
    asking.then(done, done);
    return asking;
  }
}

/** The rows of a read of many keys, grouped by key: one list per key asked for, in order. */
export function groupedBy<K, T>(keys: readonly K[], rows: readonly T[], keyOf: (row: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}
