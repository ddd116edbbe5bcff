/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = object;

/** Injected time, so schedulers can be tested without sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs`; a delay of 0 runs it on the next turn of the event loop. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

type NodeTimer = { kind: "timeout"; timer: NodeJS.Timeout } | { kind: "immediate"; timer: NodeJS.Immediate };

/** The real clock. A zero delay uses `setImmediate`, skipping the 1 ms floor of `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const handle: NodeTimer =
      delayMs <= 0
        ? { kind: "immediate", timer: setImmediate(callback) }
        : { kind: "timeout", timer: setTimeout(callback, delayMs) };
    return handle;
  },
  clearTimeout(handle) {
    const timer = handle as NodeTimer;
    if (timer.kind === "immediate") clearImmediate(timer.timer);
    else clearTimeout(timer.timer);
  },
};
