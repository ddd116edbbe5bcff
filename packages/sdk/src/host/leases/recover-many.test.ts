import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../../test/probe-plugin.js";
import {
  type ContinuationDelivery,
  createHost,
  definePlugin,
  type Host,
  type HostStore,
  type LeaseRecord,
} from "../../index.js";
import { SqliteStore } from "../../store/sqlite/sqlite-store.js";
import { FakeClock } from "../../testing/index.js";

// A host that starts on a store full of sessions whose owner died takes them all over at once (one claim
// for all, every lease and session read in one query each); each must then behave as one taken over alone.

const directory = mkdtempSync(join(tmpdir(), "goal-lease-recover-many-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const hosts: Host[] = [];
const stores: HostStore[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const store of stores.splice(0)) await store.close();
});

function openStore(): HostStore {
  const store = SqliteStore.open(join(directory, `${Math.random().toString(36).slice(2)}.db`));
  stores.push(store);
  return store;
}

/** What a process that died left: a session, and its pending lease due `dueInMs` from `now`. */
async function orphan(
  store: HostStore,
  now: number,
  sessionKey: string,
  lease: {
    dueInMs: number;
    generation?: number;
    sessionGeneration?: number;
    closed?: boolean;
    pluginId?: string;
  },
): Promise<LeaseRecord> {
  const generation = lease.sessionGeneration ?? 1;
  await store.putSession({
    sessionKey,
    agentId: "main",
    channel: "test",
    generation,
    createdAt: now,
    ...(lease.closed ? { closedAt: now } : {}),
  });
  const record: LeaseRecord = {
    pluginId: lease.pluginId ?? "probe",
    sessionKey,
    leaseKey: "next",
    id: `lease-${sessionKey}`,
    message: `go on in ${sessionKey}`,
    createdAt: now,
    dueAt: now + lease.dueInMs,
    generation: lease.generation ?? generation,
  };
  await store.putLease(record);
  return record;
}

/** A host that takes over every orphaned session as it starts, hands continuations out, and notes events. */
async function startHost(store: HostStore, clock: FakeClock) {
  const ready: string[] = [];
  const told: string[] = [];
  const deliveries: (ContinuationDelivery & { at: number })[] = [];
  const noting = definePlugin({
    id: "note",
    register(api) {
      api.on("session-ready", ({ reason }, context) => void ready.push(`${context.sessionKey} ${reason}`));
      api.on("lease-interrupted", ({ reason }, context) => void told.push(`${context.sessionKey} ${reason}`));
    },
  });
  const host = await createHost({
    store,
    clock,
    plugins: [createProbe().plugin, noting],
    externalTurns: {
      deliverContinuation: async (delivery) => void deliveries.push({ ...delivery, at: clock.now() }),
    },
  });
  hosts.push(host);
  const interrupted: string[] = [];
  const dropped: string[] = [];
  const lost: string[] = [];
  host.on("lease-interrupted", (event) => interrupted.push(`${event.sessionKey} ${event.reason}`));
  host.on("lease-dropped", (event) => dropped.push(`${event.sessionKey} ${event.reason}`));
  host.on("session-lost", (event) => lost.push(event.sessionKey));
  return { host, ready, told, deliveries, interrupted, dropped, lost };
}

describe("a host started on a store with many orphaned sessions", () => {
  it("runs each one's continuation once, at its due time, and drops, reports or readies the others", async () => {
    const store = openStore();
    const clock = new FakeClock();
    const now = clock.now();
    const leases: LeaseRecord[] = [];
    for (let index = 0; index < 300; index++) {
      leases.push(await orphan(store, now, `s${index}`, { dueInMs: 1_000 + (index % 10) * 100 }));
    }
    await orphan(store, now, "closed", { dueInMs: 1_000, closed: true });
    await orphan(store, now, "reset", { dueInMs: 1_000, generation: 1, sessionGeneration: 2 });
    const started = await orphan(store, now, "started", { dueInMs: 0, pluginId: "note" });
    await store.claimLease(started, started.id);

    const started2 = await startHost(store, clock);
    // Its plugin heard of the continuation that started under the dead owner, and it is forgotten.
    expect(started2.told).toEqual(["started process_ended"]);
    expect(await store.listStartedLeases()).toEqual([]);
    // The leases of a closed session and of a generation before a reset are gone.
    expect((await store.listLeases()).filter((lease) => !lease.sessionKey.startsWith("s"))).toEqual([]);
    // Only the open sessions with nothing armed are ready anew (the reset one's lease was dropped).
    expect(started2.ready.sort()).toEqual(["reset taken-over", "started taken-over"]);
    expect((await store.listOwners()).filter((claim) => claim.expiresAt > now)).toHaveLength(303);

    await clock.advance(999);
    expect(started2.deliveries).toEqual([]);
    for (let step = 0; step < 10; step++) {
      await clock.advance(step === 0 ? 1 : 100);
      // Each lease comes due at its time, not before and not later.
      expect(started2.deliveries.filter((delivery) => delivery.at === clock.now())).toHaveLength(30);
    }
    await clock.advance(10_000);
    const byId = new Map(leases.map((lease) => [lease.id, lease]));
    expect(started2.deliveries).toHaveLength(300);
    expect(new Set(started2.deliveries.map((delivery) => delivery.leaseId)).size).toBe(300);
    for (const delivery of started2.deliveries) {
      expect(delivery.at).toBe(byId.get(delivery.leaseId)?.dueAt);
      expect(delivery.message).toBe(`go on in ${delivery.sessionKey}`);
    }
    expect(await store.listLeases()).toEqual([]);
  });

  it("lets a session taken over be opened, sent to, cleared, reset or closed before its lease comes due", async () => {
    const store = openStore();
    const clock = new FakeClock();
    const now = clock.now();
    for (const sessionKey of ["opened", "sent", "cleared", "reset", "closed", "untouched"]) {
      await orphan(store, now, sessionKey, { dueInMs: 5_000 });
    }
    const started = await startHost(store, clock);

    // Opened: the session as it was (no new generation), its lease still armed.
    expect(await started.host.openSession({ sessionKey: "opened" })).toMatchObject({ generation: 1 });
    await started.host.send({ sessionKey: "sent", text: "/probe-context", sender: owner });
    await started.host.send({ sessionKey: "cleared", text: "/probe-unlease next", sender: owner });
    await started.host.resetSession("reset");
    await started.host.closeSession("closed");
    await clock.advance(4_999);
    expect(started.deliveries).toEqual([]);

    await clock.advance(1);
    expect(started.deliveries.map((delivery) => delivery.sessionKey).sort()).toEqual([
      "opened",
      "sent",
      "untouched",
    ]);
    await clock.advance(60_000);
    expect(started.deliveries).toHaveLength(3);
    expect(started.interrupted).toEqual([]);
    expect(await store.listLeases()).toEqual([]);
    // Taken over at start, not again when opened: nothing of this host's own is called interrupted.
    await started.host.openSession({ sessionKey: "untouched" });
    expect(started.interrupted).toEqual([]);
  });

  it("drops the lease of a session another host took from it while it stalled", async () => {
    const store = openStore();
    const clock = new FakeClock();
    const now = clock.now();
    await orphan(store, now, "s1", { dueInMs: 60_000 });
    await orphan(store, now, "s2", { dueInMs: 60_000 });
    const first = await startHost(store, clock);

    // The first host stalls past its claim: a second host starting then takes both sessions over.
    const laterClock = new FakeClock(now + 10_001);
    const second = await startHost(store, laterClock);
    // The first wakes up: its next heartbeat finds the sessions taken, and lets them go.
    await clock.advance(3_400);
    expect(first.lost.sort()).toEqual(["s1", "s2"]);
    expect(first.dropped.sort()).toEqual([]);

    await clock.advance(60_000);
    expect(first.deliveries).toEqual([]);
    await laterClock.advance(60_000);
    expect(second.deliveries.map((delivery) => delivery.sessionKey).sort()).toEqual(["s1", "s2"]);
    await expect(
      first.host.send({ sessionKey: "s1", text: "/probe-context", sender: owner }),
    ).rejects.toThrow(/taken over by another goal-lease process/);
  });
});
