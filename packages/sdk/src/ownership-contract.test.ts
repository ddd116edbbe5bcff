import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { hoppingStore } from "../test/hopping-store.js";
import { freshPostgresStore } from "../test/postgres-store.js";
import { contextFor, createProbe, owner, type Probe } from "../test/probe-plugin.js";
import { SessionOwnedError } from "./errors.js";
import { createHost, type Host } from "./host/host.js";
import { definePlugin, type PluginApi } from "./plugin.js";
import type { SessionContext } from "./session-context.js";
import { MemoryStore } from "./store/memory/memory-store.js";
import { SqliteStore } from "./store/sqlite/sqlite-store.js";
import type { HostStore } from "./store/store.js";
import { FakeClock, ScriptedModel, type ScriptedStep, settle } from "./testing/index.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-ownership-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The invariants of several hosts on one store hold on every store: in memory, SQLite, and one that hops. */
const stores: [string, (extraHops?: () => number) => HostStore | Promise<HostStore>][] = [
  ["memory store", () => new MemoryStore()],
  ["SQLite store", () => SqliteStore.open(join(directory, `${randomUUID()}.db`))],
  ["PostgreSQL store", () => freshPostgresStore()],
  [
    "store whose calls complete after event-loop hops",
    (extraHops) => hoppingStore(new MemoryStore(), extraHops),
  ],
];

/** Invariant 8 ends in seconds: a host whose clock stops is a process that died (it renews nothing). */
const ttlMs = 10_000;

/** A repeatable random number generator (Park-Miller), so a failing interleaving can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

/**
 * Lets the event loop run until `done` holds (a background heartbeat, a hopping store, a database's
 * answers), or fails after a generous 10 s of real time: a bound on a hang, not a speed check.
 */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done(); ) {
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise(setImmediate);
  }
}

describe.each(stores)("one live owner per session, and the user wins: %s", (_name, makeStore) => {
  const hosts: Host[] = [];
  const shared: HostStore[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close().catch(() => undefined);
    for (const store of shared.splice(0)) await store.close().catch(() => undefined);
  });

  async function hostOn(
    store: HostStore,
    clock: FakeClock,
    steps: ScriptedStep[] = [],
    recovery: "at-start" | "per-session" = "at-start",
  ) {
    const probe = createProbe();
    const model = new ScriptedModel(steps);
    const host = await createHost({
      model,
      store,
      clock,
      plugins: [probe.plugin],
      ownership: { ttlMs },
      recovery,
    });
    hosts.push(host);
    const events = { starts: [] as string[], interrupted: [] as string[], lost: [] as string[] };
    host.on("turn-start", (event) => events.starts.push(event.sessionKey));
    host.on("lease-interrupted", (event) => events.interrupted.push(event.leaseId));
    host.on("session-lost", (event) => events.lost.push(event.sessionKey));
    return { host, probe, model, clock, events };
  }

  const lease = (probe: Probe, session: Awaited<ReturnType<typeof contextFor>>, delayMs = 0) =>
    probe.api().session.workflow.requestSessionContinuationLease({
      session,
      leaseKey: "next",
      message: "keep going",
      delayMs,
    });

  it("8: a session a live host owns is refused to another host in one line, and none of its leases run there", async () => {
    const store = await makeStore();
    const clock = new FakeClock();
    const first = await hostOn(store, new FakeClock(clock.now()));
    await first.host.openSession({ sessionKey: "s1" });
    await lease(first.probe, await contextFor(first.host, first.probe, "s1"), 5_000);

    const second = await hostOn(store, clock);
    const refused = await second.host.openSession({ sessionKey: "s1" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SessionOwnedError);
    expect((refused as Error).message).toMatch(/^Session "s1" is in use by another goal-lease process .*$/);
    await clock.advance(6_000);
    await settle(second.host, clock);
    expect(second.events.starts).toEqual([]);
    expect(await store.listLeases()).toHaveLength(1);
  });

  it("8: a session moves only once its owner is gone; its running turn is reported interrupted once, never replayed", async () => {
    const store = await makeStore();
    const clock = new FakeClock();
    const firstClock = new FakeClock(clock.now());
    const first = await hostOn(store, firstClock, [{ hang: true }]);
    // A dead process never closes.
    hosts.splice(hosts.indexOf(first.host), 1);
    await first.host.openSession({ sessionKey: "s1" });
    await lease(first.probe, await contextFor(first.host, first.probe, "s1"));
    await firstClock.runNext();
    // Its model is called once its claim is committed: the turn runs (and hangs) from then on.
    await until(() => first.model.requests.length > 0);
    expect(first.events.starts).toEqual(["s1"]);
    const [started] = await store.listStartedLeases();

    // Another host starting while the owner lives leaves its running turn alone.
    const early = await hostOn(store, clock);
    expect(early.events.interrupted).toEqual([]);
    expect(await store.listStartedLeases()).toHaveLength(1);

    // The owner died: its clock, and so its heartbeat, stopped. Once its claim lapsed, the session moves.
    await clock.advance(ttlMs);
    const later = await hostOn(store, new FakeClock(clock.now() + 1), [], "per-session");
    const again = await hostOn(store, new FakeClock(clock.now() + 2), [], "per-session");
    await later.host.openSession({ sessionKey: "s1" });
    await expect(again.host.openSession({ sessionKey: "s1" })).rejects.toThrow(SessionOwnedError);
    expect(later.events.interrupted).toEqual([started?.id]);
    expect(again.events.interrupted).toEqual([]);
    expect(await store.listStartedLeases()).toEqual([]);
    await settle(later.host, later.clock);
    expect(later.events.starts).toEqual([]);
  });

  it("8: opening a session twice at once recovers it once: the turn it starts there is never called interrupted", async () => {
    const store = await makeStore(() => 1);
    const clock = new FakeClock();
    const first = await hostOn(store, new FakeClock(clock.now()));
    // A dead process: it never closes, and left a continuation due now.
    hosts.splice(hosts.indexOf(first.host), 1);
    await first.host.openSession({ sessionKey: "s1" });
    await lease(first.probe, await contextFor(first.host, first.probe, "s1"), 1);
    await clock.advance(ttlMs + 1);
    const later = await hostOn(store, clock, [{ text: "went on" }], "per-session");
    await Promise.all([
      later.host.openSession({ sessionKey: "s1" }),
      later.host.openSession({ sessionKey: "s1" }),
      later.host.openSession({ sessionKey: "s1" }),
    ]);
    await settle(later.host, clock);
    expect(later.events.starts).toEqual(["s1"]);
    expect(later.events.interrupted).toEqual([]);
    expect(await store.listStartedLeases()).toEqual([]);
  });

  it("8: a host that lost its session writes nothing there: its requests are refused, and it hears it lost it", async () => {
    const store = await makeStore();
    const clock = new FakeClock();
    const firstClock = new FakeClock(clock.now());
    const first = await hostOn(store, firstClock);
    await first.host.openSession({ sessionKey: "s1" });
    const stale = await contextFor(first.host, first.probe, "s1");
    await first.probe.api().state.set(stale, "run", "mine", { expectedVersion: 0 });

    // The first host stalls past its claim; the second takes the session.
    await clock.advance(ttlMs + 1);
    const second = await hostOn(store, clock);
    await second.host.openSession({ sessionKey: "s1" });

    expect(await lease(first.probe, stale)).toMatchObject({ status: "rejected" });
    await expect(first.probe.api().state.set(stale, "run", "late", { expectedVersion: 1 })).rejects.toThrow(
      /owned by another host process/,
    );
    expect(await store.listLeases()).toEqual([]);
    expect(await store.readState("probe", "s1", "run")).toMatchObject({ value: "mine", version: 1 });
    await firstClock.advance(ttlMs);
    await until(() => first.events.lost.length > 0);
    expect(first.events.lost).toEqual(["s1"]);
  });

  it("9: no continuation turn starts after a stop was answered, in 60 random interleavings", async () => {
    const random = seeded(7);
    let late = 0;
    // One store for the rounds, each on a session of its own: a round costs its host's work, not a new store.
    const store = await makeStore(() => Math.floor(random() * 3));
    shared.push(store);
    for (let round = 0; round < 60; round++) {
      const sessionKey = `s${round}`;
      const clock = new FakeClock();
      const { host, probe, events } = await hostOn(store, clock, [{ text: "worked" }, { text: "worked" }]);
      const order: string[] = [];
      host.on("turn-start", () => order.push("turn-start"));
      await host.openSession({ sessionKey });
      const context = await contextFor(host, probe, sessionKey);
      const { state, session } = probe.api();
      const written = await state.set(context, "run", "active", { expectedVersion: 0 });
      const version = written.status === "written" ? written.version : 0;
      // The decision to continue was made on version 1; the stop writes first, then clears, then answers.
      const decide = (async () => {
        for (let hops = Math.floor(random() * 8); hops > 0; hops--) await new Promise(setImmediate);
        await session.workflow.requestSessionContinuationLease({
          session: context,
          leaseKey: "next",
          message: "keep going",
          condition: { stateKey: "run", version },
        });
      })();
      const stop = (async () => {
        for (let hops = Math.floor(random() * 6); hops > 0; hops--) await new Promise(setImmediate);
        await state.set(context, "run", "stopped", { expectedVersion: version });
        await session.workflow.clearSessionContinuationLease({ session: context, leaseKey: "next" });
        order.push("stop-answered");
      })();
      await Promise.all([decide, stop]);
      await settle(host, clock);
      if (order.indexOf("turn-start") > order.indexOf("stop-answered")) late++;
      expect(events.starts.length).toBeLessThanOrEqual(1);
      await host.close();
      hosts.splice(hosts.indexOf(host), 1);
    }
    expect(late).toBe(0);
  });

  it("9: a continuation asked for with a write on its way never outlives a stop that wrote first, in 60 random interleavings", async () => {
    const random = seeded(13);
    let late = 0;
    let stopFirst = 0;
    const store = await makeStore(() => Math.floor(random() * 3));
    shared.push(store);
    for (let round = 0; round < 60; round++) {
      const sessionKey = `w${round}`;
      const clock = new FakeClock();
      const { host, probe, events } = await hostOn(store, clock, [{ text: "worked" }, { text: "worked" }]);
      const order: string[] = [];
      host.on("turn-start", () => order.push("turn-start"));
      await host.openSession({ sessionKey });
      const context = await contextFor(host, probe, sessionKey);
      const { state, session } = probe.api();
      await state.set(context, "run", "active", { expectedVersion: 0 });
      // Both were decided on version 1. The report and its continuation go together; the stop writes (again
      // on a conflict, as a stop must land), then clears, then answers.
      const decide = (async () => {
        for (let hops = Math.floor(random() * 4); hops > 0; hops--) await new Promise(setImmediate);
        const written = state.set(context, "run", "report", { expectedVersion: 1 });
        const result = await session.workflow.requestSessionContinuationLease({
          session: context,
          leaseKey: "next",
          message: "keep going",
          condition: { write: written },
        });
        const wrote = (await written).status === "written";
        // Scheduled exactly when its write wrote: never on the version a stop's write gave.
        expect(result.status).toBe(wrote ? "scheduled" : "rejected");
        if (!wrote) stopFirst++;
      })();
      const stop = (async () => {
        for (let hops = Math.floor(random() * 4); hops > 0; hops--) await new Promise(setImmediate);
        for (let expectedVersion = 1; ; expectedVersion++) {
          if ((await state.set(context, "run", "stopped", { expectedVersion })).status === "written") break;
        }
        await session.workflow.clearSessionContinuationLease({ session: context, leaseKey: "next" });
        order.push("stop-answered");
      })();
      await Promise.all([decide, stop]);
      await settle(host, clock);
      if (order.indexOf("turn-start") > order.indexOf("stop-answered")) late++;
      expect(events.starts).toEqual([]);
      await host.close();
      hosts.splice(hosts.indexOf(host), 1);
    }
    expect(late).toBe(0);
    // Both orders came up: the interleavings did race.
    expect(stopFirst).toBeGreaterThan(0);
    expect(stopFirst).toBeLessThan(60);
  });

  it("9: a stop answered while a due continuation is being admitted wins, in 60 random interleavings", async () => {
    const random = seeded(11);
    let late = 0;
    // One store for the rounds, each on a session of its own: a round costs its host's work, not a new store.
    const store = await makeStore(() => Math.floor(random() * 3));
    shared.push(store);
    for (let round = 0; round < 60; round++) {
      const sessionKey = `s${round}`;
      const clock = new FakeClock();
      let api: PluginApi | undefined;
      let context: SessionContext | undefined;
      const checking = definePlugin({
        id: "checking",
        register(registered) {
          api = registered;
          registered.registerCommand({
            name: "capture",
            description: "Capture a context",
            execute: (_args, captured) => {
              context = captured;
              return "captured";
            },
          });
          // Its admission check reads its state, as the goal plugin's does, so the turn's start waits on the store.
          registered.on("lease-admission", async (_event, hookContext) => {
            return (await registered.state.get(hookContext, "run")) === undefined;
          });
        },
      });
      const model = new ScriptedModel([{ text: "worked" }]);
      const host = await createHost({ model, store, clock, plugins: [checking], ownership: { ttlMs } });
      hosts.push(host);
      const order: string[] = [];
      host.on("turn-start", () => order.push("turn-start"));
      await host.openSession({ sessionKey });
      await host.send({ sessionKey, text: "/capture", sender: owner });
      const { workflow } = (api as PluginApi).session;
      const session = context as SessionContext;
      await workflow.requestSessionContinuationLease({ session, leaseKey: "next", message: "go" });
      // The lease is due now: the host admits it while the stop clears it, in whatever order the hops give.
      const admitting = settle(host, clock);
      for (let hops = Math.floor(random() * 12); hops > 0; hops--) await new Promise(setImmediate);
      // Whatever the clear says (cleared, or not_found once the turn has begun), it is the stop's answer.
      await workflow.clearSessionContinuationLease({ session, leaseKey: "next" });
      order.push("stop-answered");
      await admitting;
      await settle(host, clock);
      if (order.indexOf("turn-start") > order.indexOf("stop-answered")) late++;
      await host.close();
      hosts.splice(hosts.indexOf(host), 1);
    }
    expect(late).toBe(0);
  });
});
