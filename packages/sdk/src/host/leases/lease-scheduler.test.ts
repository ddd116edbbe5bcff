import { describe, expect, it } from "vitest";
import type { LeaseRecord } from "../../store/store.js";
import { FakeClock } from "../../testing/index.js";
import { LeaseScheduler } from "./lease-scheduler.js";

const lease = (sessionKey: string, dueAt: number): LeaseRecord => ({
  id: `lease-${sessionKey}`,
  pluginId: "p",
  sessionKey,
  leaseKey: "next",
  message: "go on",
  createdAt: 0,
  dueAt,
  generation: 1,
});

describe("the lease scheduler's one timer", () => {
  it("brings every lease due by then in one callback, in the order they were armed, skipping one disarmed meanwhile", async () => {
    const clock = new FakeClock();
    const due: string[] = [];
    const scheduler: LeaseScheduler = new LeaseScheduler(clock, (fired) => {
      due.push(fired.sessionKey);
      if (fired.sessionKey === "a") scheduler.disarm(lease("c", 0));
      // Armed by what a due lease started: it comes due at the next callback, not in this one.
      if (fired.sessionKey === "b") scheduler.arm(lease("d", clock.now()), 5);
    });
    const now = clock.now();
    scheduler.arm(lease("a", now), 1);
    scheduler.arm(lease("b", now), 2);
    scheduler.arm(lease("c", now), 3);
    scheduler.arm(lease("later", now + 1_000), 4);
    await clock.runNext();
    expect(due).toEqual(["a", "b"]);
    await clock.runNext();
    expect(due).toEqual(["a", "b", "d"]);
    expect(scheduler.size).toBe(1);
  });
});
