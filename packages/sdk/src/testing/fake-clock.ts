import type { Clock, TimerHandle, TimerOptions } from "../clock.js";
import { flushPromises } from "./flush.js";

interface FakeTimer {
  at: number;
  sequence: number;
  callback: () => void;
  background: boolean;
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

  setTimeout(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle {
    const handle = Object.freeze({});
    const at = this.#now + Math.max(0, delayMs);
    this.#timers.set(handle, { at, sequence: this.#sequence++, callback, background: !!options?.background });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle);
  }

  /** How many timers are waiting to fire; background timers (heartbeats, polls) do not count. */
  get pendingTimers(): number {
    let count = 0;
    for (const timer of this.#timers.values()) if (!timer.background) count++;
    return count;
  }

  /** When the next timer that is not a background one fires, if any. */
  nextTimerAt(): number | undefined {
    return this.#next(true)?.[1].at;
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

  /**
   * Jumps to the next timer that is not a background one and fires it, firing the background timers due
   * before it on the way; false if there is none.
   */
  async runNext(): Promise<boolean> {
    const target = this.#next(true)?.[0];
    if (!target) return false;
    // Until the target fires, or something that fired first cleared it.
    for (let next = this.#next(); next && this.#timers.has(target); next = this.#next()) {
      await this.#fire(next);
      if (next[0] === target) break;
    }
    return true;
  }

  async #fire([handle, timer]: [TimerHandle, FakeTimer]): Promise<void> {
    this.#timers.delete(handle);
    this.#now = Math.max(this.#now, timer.at);
    timer.callback();
    // A background timer's work (a heartbeat) is not waited for, so it never holds up the work under test.
    if (!timer.background) await flushPromises();
  }

  #next(foregroundOnly = false): [TimerHandle, FakeTimer] | undefined {
    let next: [TimerHandle, FakeTimer] | undefined;
    for (const entry of this.#timers) {
      if (foregroundOnly && entry[1].background) continue;
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
