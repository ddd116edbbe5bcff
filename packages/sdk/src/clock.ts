/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = object;

/** Options of {@link Clock.setTimeout}. */
export interface TimerOptions {
  background?: boolean;
}

/** Injected time, so schedulers can be tested without sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Runs `callback` once after `delayMs`; a delay of 0 runs it on the next turn of the event loop. A
   * `background` timer (a heartbeat, a poll) keeps neither the process alive nor a test host from settling.
   */
  setTimeout(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

type NodeTimer = { kind: "timeout"; timer: NodeJS.Timeout } | { kind: "immediate"; timer: NodeJS.Immediate };

/** The real clock. A zero delay uses `setImmediate`, skipping the 1 ms floor of `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs, options) {
    const handle: NodeTimer =
      delayMs <= 0
        ? { kind: "immediate", timer: setImmediate(callback) }
        : { kind: "timeout", timer: setTimeout(callback, delayMs) };
    if (options?.background) handle.timer.unref();
    return handle;
  },
  clearTimeout(handle) {
    const timer = handle as NodeTimer;
    if (timer.kind === "immediate") clearImmediate(timer.timer);
    else clearTimeout(timer.timer);
  },
};
