/** Counts work in flight and tells waiters when none is left. */
export class IdleTracker {
  #busy = 0;
  #waiters: (() => void)[] = [];

  /** Counts `work` as in flight until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#busy++;
    return work.finally(() => {
      this.#busy--;
      if (this.#busy === 0) for (const resolve of this.#waiters.splice(0)) resolve();
    });
  }

  get idle(): boolean {
    return this.#busy === 0;
  }

  /** Resolves when nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
