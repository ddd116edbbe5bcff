import type { Clock, TimerHandle } from "../clock.js";
import { flushPromises } from "./flush.js";

interface FakeTimer {
  at: number;
  sequence: number;
  callback: () => void;
}

/** A {@link Clock} that only moves when told to, firing its timers in time order. */
export class FakeClock implements Clock {
  #now: number;
  #sequence = 0;
  readonly #timers = new Map<TimerHandle, FakeTimer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = Object.freeze({});
    this.#timers.set(handle, { at: this.#now + Math.max(0, delayMs), sequence: this.#sequence++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle);
  }

  /** How many timers are waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the next timer fires, if any. */
  nextTimerAt(): number | undefined {
    return this.#next()?.[1].at;
  }

  /**
   * Moves time forward by `ms`, firing each timer that comes due at its own time, and lets the async work
   * each timer starts run before the next one fires.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (let next = this.#next(); next && next[1].at <= target; next = this.#next()) {
      await this.#fire(next);
    }
    this.#now = target;
    await flushPromises();
  }

  /** Jumps to the next timer and fires it; false if there is none. */
  async runNext(): Promise<boolean> {
    const next = this.#next();
    if (!next) return false;
    await this.#fire(next);
    return true;
  }

  async #fire([handle, timer]: [TimerHandle, FakeTimer]): Promise<void> {
    this.#timers.delete(handle);
    this.#now = Math.max(this.#now, timer.at);
    timer.callback();
    await flushPromises();
  }

  #next(): [TimerHandle, FakeTimer] | undefined {
    let next: [TimerHandle, FakeTimer] | undefined;
    for (const entry of this.#timers) {
      if (
        !next ||
        entry[1].at < next[1].at ||
        (entry[1].at === next[1].at && entry[1].sequence < next[1].sequence)
      ) {
        next = entry;
      }
    }
    return next;
  }
}
