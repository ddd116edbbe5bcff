import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../../test/probe-plugin.js";
import { type ContinuationDelivery, createHost, type Host, type HostStore } from "../../index.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { FakeClock, settle } from "../../testing/index.js";

const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

/**
 * A host that shares `store` with other processes and serves its own sessions. Each process has its own
 * clock: one that is never advanced again stands for a process that died (it renews nothing).
 */
async function sharingHost(store: HostStore, clock: FakeClock) {
  const probe = createProbe();
  const deliveries: ContinuationDelivery[] = [];
  const host = await createHost({
    store,
    clock,
    plugins: [probe.plugin],
    externalTurns: { deliverContinuation: async (delivery) => void deliveries.push(delivery) },
    recovery: "per-session",
  });
  hosts.push(host);
  const interrupted: string[] = [];
  host.on("lease-interrupted", (event) => interrupted.push(`${event.sessionKey} ${event.reason}`));
  return { host, deliveries, interrupted };
}

describe("hosts that share a store and recover per session", () => {
  it("leave another host's running continuation alone until its owner is gone", async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const firstClock = new FakeClock(clock.now());
    const first = await sharingHost(store, firstClock);
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.send({ sessionKey: "s1", text: "/probe-lease next keep going", sender: owner });
    await settle(first.host, firstClock);
    expect(first.deliveries).toHaveLength(1);
    expect(await store.listStartedLeases()).toHaveLength(1);

    const second = await sharingHost(store, clock);
    await second.host.openSession({ sessionKey: "s2" });
    await second.host.recoverSession("s2");
    expect(second.interrupted).toEqual([]);
    expect(await store.listStartedLeases()).toHaveLength(1);

    // A live owner keeps it: the second host is told so, and touches nothing.
    await expect(second.host.openSession({ sessionKey: "s1" })).rejects.toThrow(
      /Session "s1" is in use by another goal-lease process .*try again in 10 s/,
    );
    await expect(second.host.recoverSession("s1")).rejects.toThrow(/in use by another goal-lease process/);
    expect(second.interrupted).toEqual([]);

    // The first process died (its clock, and so its heartbeat, stopped); once its claim expires, s1 moves.
    await clock.advance(10_000);
    await second.host.openSession({ sessionKey: "s1" });
    await second.host.recoverSession("s1");
    expect(second.interrupted).toEqual(["s1 process_ended"]);
    expect(await store.listStartedLeases()).toEqual([]);
    await second.host.recoverSession("s1");
    expect(second.interrupted).toEqual(["s1 process_ended"]);
  });

  it("arm a session's pending leases only in the host that recovers it", async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = await sharingHost(store, clock);
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.send({ sessionKey: "s1", text: "/probe-lease next 1000 later", sender: owner });
    await first.host.close();
    expect(await store.listLeases()).toHaveLength(1);

    const bystander = await sharingHost(store, clock);
    const owner2 = await sharingHost(store, clock);
    await owner2.host.openSession({ sessionKey: "s1" });
    await owner2.host.recoverSession("s1");
    await clock.advance(1_000);
    await settle(owner2.host, clock);
    expect(owner2.deliveries.map((delivery) => delivery.message)).toEqual(["later"]);
    expect(bystander.deliveries).toEqual([]);
  });

  it("report a continuation the stalled owner started just before the takeover", async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = await sharingHost(store, new FakeClock(clock.now()));
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.send({ sessionKey: "s1", text: "/probe-lease next 5000 keep going", sender: owner });
    const [lease] = await store.listLeases();
    const [claim] = await store.listOwners();
    if (!lease || !claim) throw new Error("the first host has no lease or claim");

    // The first process stalled past its claim; as the second reaches for the session, the first wakes up and
    // claims its due continuation (its fence still holds: nobody has taken the session yet).
    let raced = false;
    const racing: HostStore = new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (property !== "acquireSessions" || typeof value !== "function")
          return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<HostStore["acquireSessions"]>) => {
          if (!raced) {
            raced = true;
            await target.claimLease(lease, lease.id, {
              fence: { ownerId: claim.ownerId, token: claim.token },
            });
          }
          return target.acquireSessions(...args);
        };
      },
    });
    await clock.advance(10_000);
    // A host that takes over every orphaned session as it starts. Its recovery read the started turns after
    // its claim was written, so that turn was reported (to its plugin, which counts it) and forgotten; read
    // before, it would have been missed, and left started forever.
    const externalTurns = { deliverContinuation: async () => undefined };
    hosts.push(await createHost({ store: racing, clock, plugins: [createProbe().plugin], externalTurns }));
    expect(raced).toBe(true);
    expect(await store.listStartedLeases()).toEqual([]);
    expect(await store.listLeases()).toEqual([]);
  });

  it("recover a session anew when it comes back from the process that took it and died", async () => {
    const store = new MemoryStore();
    const firstClock = new FakeClock();
    const first = await sharingHost(store, firstClock);
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.recoverSession("s1");

    // The first process stalls past its claim; the second takes s1, leaves a continuation pending, and dies.
    const secondClock = new FakeClock(firstClock.now() + 10_000);
    const second = await sharingHost(store, secondClock);
    await second.host.openSession({ sessionKey: "s1" });
    await second.host.recoverSession("s1");
    await second.host.send({
      sessionKey: "s1",
      text: "/probe-lease next 60000 left by the second",
      sender: owner,
    });
    // The first wakes, learns at its heartbeat that s1 is gone, and once the second's claim has lapsed,
    // serves s1 again: the second's pending continuation is armed here and runs at its time.
    await firstClock.advance(10_000);
    await expect(first.host.openSession({ sessionKey: "s1" })).rejects.toThrow(/in use by another/);
    await firstClock.advance(15_000);
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.recoverSession("s1");
    await firstClock.advance(60_000);
    await settle(first.host, firstClock);
    expect(first.deliveries.map((delivery) => delivery.message)).toEqual(["left by the second"]);
  });
});
