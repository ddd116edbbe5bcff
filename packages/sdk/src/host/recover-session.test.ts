import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../test/probe-plugin.js";
import { type ContinuationDelivery, createHost, type Host } from "../index.js";
import { MemoryStore } from "../store/memory-store.js";
import { FakeClock, settle } from "../testing/index.js";

const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

/** A host that shares `store` with other processes and serves its own sessions. */
async function sharingHost(store: MemoryStore, clock: FakeClock) {
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
  host.on("lease-interrupted", (event) => interrupted.push(event.sessionKey));
  return { host, deliveries, interrupted };
}

describe("hosts that share a store and recover per session", () => {
  it("leave another host's running continuation alone until a session is taken over", async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = await sharingHost(store, clock);
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.send({ sessionKey: "s1", text: "/probe-lease next keep going", sender: owner });
    await settle(first.host, clock);
    expect(first.deliveries).toHaveLength(1);
    expect(await store.listStartedLeases()).toHaveLength(1);

    const second = await sharingHost(store, clock);
    await second.host.openSession({ sessionKey: "s2" });
    await second.host.recoverSession("s2");
    expect(second.interrupted).toEqual([]);
    expect(await store.listStartedLeases()).toHaveLength(1);

    // The first process died; the second takes s1 over.
    await second.host.openSession({ sessionKey: "s1" });
    await second.host.recoverSession("s1");
    expect(second.interrupted).toEqual(["s1"]);
    expect(await store.listStartedLeases()).toEqual([]);
    await second.host.recoverSession("s1");
    expect(second.interrupted).toEqual(["s1"]);
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
});
