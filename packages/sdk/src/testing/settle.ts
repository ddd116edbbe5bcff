import type { Host } from "../host/host.js";
import type { FakeClock } from "./fake-clock.js";
import { flushPromises } from "./flush.js";

/**
 * Runs `host` until nothing is left to do: lets async work finish, and while something waits on a timer,
 * fires the next one. Throws if it has not settled after `maxTimers` timers (a loop that never stops).
 */
export async function settle(host: Host, clock: FakeClock, { maxTimers = 10_000 } = {}): Promise<void> {
  for (let fired = 0; ; ) {
    await flushPromises();
    if (clock.pendingTimers === 0) {
      if (host.isIdle()) return;
      await host.idle();
      continue;
    }
    if (++fired > maxTimers) throw new Error(`The host did not settle after ${maxTimers} timers.`);
    await clock.runNext();
  }
}
