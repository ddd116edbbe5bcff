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

describe("the lease scheduler's slots", () => {
  const slot = (sessionKey: string, leaseKey: string, dueAt: number, id: string): LeaseRecord => ({
    ...lease(sessionKey, dueAt),
    leaseKey,
    id,
  });

  it("keeps one lease per slot, several slots in a session, and a later request over an earlier one only", async () => {
    const clock = new FakeClock();
    const due: string[] = [];
    const scheduler = new LeaseScheduler(clock, (fired) => due.push(fired.id));
    const now = clock.now();
    scheduler.arm(slot("s", "a", now + 10, "a1"), 1);
    scheduler.arm(slot("s", "b", now + 20, "b1"), 2);
    scheduler.arm(slot("s", "c", now + 30, "c1"), 3);
    scheduler.arm(slot("t", "a", now + 5, "t1"), 4);
    // A request made before the armed one's is not armed over it; a later one replaces it.
    scheduler.arm(slot("s", "a", now + 1, "a0"), 0);
    scheduler.arm(slot("s", "b", now + 15, "b2"), 5);
    expect(scheduler.size).toBe(4);
    // Only the named lease is disarmed.
    scheduler.disarm(slot("s", "c", 0, ""), "not-c1");
    expect(scheduler.size).toBe(4);
    scheduler.disarm(slot("s", "c", 0, ""), "c1");
    expect(scheduler.size).toBe(3);
    await clock.advance(100);
    expect(due).toEqual(["t1", "a1", "b2"]);
    expect(scheduler.size).toBe(0);
  });

  it("disarms every slot of one session, and none of another's", async () => {
    const clock = new FakeClock();
    const due: string[] = [];
    const scheduler = new LeaseScheduler(clock, (fired) => due.push(fired.id));
    const now = clock.now();
    scheduler.arm(slot("s", "a", now + 10, "a1"), 1);
    scheduler.arm(slot("s", "b", now + 20, "b1"), 2);
    scheduler.arm(slot("t", "a", now + 30, "t1"), 3);
    scheduler.disarmSession("s");
    expect(scheduler.size).toBe(1);
    // A slot of the disarmed session armed again is armed afresh.
    scheduler.arm(slot("s", "b", now + 40, "b2"), 4);
    await clock.advance(100);
    expect(due).toEqual(["t1", "b2"]);
    scheduler.arm(slot("s", "a", now + 200, "a2"), 5);
    scheduler.disarmAll();
    await clock.advance(200);
    expect(due).toEqual(["t1", "b2"]);
    expect(scheduler.size).toBe(0);
  });

  it("brings many leases due in due order, however they were armed and disarmed", async () => {
    const clock = new FakeClock();
    const due: number[] = [];
    const scheduler = new LeaseScheduler(clock, (fired) => due.push(fired.dueAt));
    const now = clock.now();
    const times = Array.from({ length: 300 }, (_, index) => now + ((index * 7919) % 300) + 1);
    times.forEach((at, index) => {
      scheduler.arm(slot(`s${index % 50}`, `k${index}`, at, `l${index}`), index);
    });
    // Most disarmed, so the heap is built anew from what is left.
    for (let index = 0; index < 300; index++) {
      if (index % 3 !== 0) scheduler.disarm(slot(`s${index % 50}`, `k${index}`, 0, ""));
    }
    expect(scheduler.size).toBe(100);
    await clock.advance(400);
    expect(due).toEqual(times.filter((_, index) => index % 3 === 0).sort((a, b) => a - b));
  });
});
