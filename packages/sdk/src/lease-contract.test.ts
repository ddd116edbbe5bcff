import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, expectTypeOf, it, onTestFinished } from "vitest";
import { hoppingStore } from "../test/hopping-store.js";
import { freshPostgresStore } from "../test/postgres-store.js";
import { contextFor, createProbe, owner, type Probe } from "../test/probe-plugin.js";
import type { HostEvent, HostEventName } from "./events.js";
import { createHost, Host } from "./host/host.js";
import type { LeaseClearResult, LeaseRequestResult } from "./lease.js";
import type { PluginDefinition } from "./plugin.js";
import type { SessionContext } from "./session-context.js";
import { MemoryStore } from "./store/memory/memory-store.js";
import { SqliteStore } from "./store/sqlite/sqlite-store.js";
import type { HostStore, LeaseRecord } from "./store/store.js";
import { createTestHost, FakeClock, ScriptedModel, type ScriptedStep, settle } from "./testing/index.js";

/** A promise the test opens when it wants, to hold a model call mid-turn. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const directory = mkdtempSync(join(tmpdir(), "goal-lease-contract-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** What the contract needs from a host under test. */
interface Harness {
  host: Host;
  clock: FakeClock;
  store: HostStore;
  settle(): Promise<void>;
  dispose(): Promise<void>;
}

type MakeHarness = (options: {
  model: ScriptedModel;
  plugins: PluginDefinition[];
  store?: HostStore;
}) => Promise<Harness>;

/** The production host on a store `open` makes (unless the test brings its own), on a fake clock. */
function createHostOn(open: () => HostStore | Promise<HostStore>): MakeHarness {
  return async ({ model, plugins, store }) => {
    const clock = new FakeClock();
    const owned = store ?? (await open());
    const host = await createHost({ model, plugins, clock, store: owned });
    return {
      host,
      clock,
      store: owned,
      settle: () => settle(host, clock),
      dispose: async () => {
        await host.close();
        if (!store) await owned.close();
        model.verify();
      },
    };
  };
}

/** The production host wired by hand on every store, and the testing kit: the contract holds unchanged. */
const harnesses: [string, MakeHarness][] = [
  ["createHost (production)", createHostOn(() => new MemoryStore())],
  ["createTestHost (testing kit)", (options) => createTestHost(options)],
  [
    "createHost on a store whose calls complete after event-loop hops",
    createHostOn(() => hoppingStore(new MemoryStore())),
  ],
  ["createHost on PostgresStore", createHostOn(() => freshPostgresStore())],
  [
    "createHost on SqliteStore",
    createHostOn(() => SqliteStore.open(join(directory, `contract-${randomUUID()}.db`))),
  ],
];

describe.each(harnesses)("lease contract: %s", (_name, make) => {
  let harness: Harness | undefined;
  let probe: Probe;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  async function start(
    steps: ScriptedStep[],
    options: { plugins?: PluginDefinition[]; store?: HostStore } = {},
  ) {
    probe = createProbe();
    const model = new ScriptedModel(steps);
    harness = await make({
      model,
      plugins: [probe.plugin, ...(options.plugins ?? [])],
      store: options.store,
    });
    await harness.host.openSession({ sessionKey: "s1" });
    return { ...harness, model, context: await contextFor(harness.host, probe, "s1") };
  }

  function record<Name extends HostEventName>(host: Host, name: Name): HostEvent<Name>[] {
    const events: HostEvent<Name>[] = [];
    host.on(name, (event) => events.push(event));
    return events;
  }

  const request = (session: SessionContext, leaseKey: string, message: string, delayMs = 0) =>
    probe.api().session.workflow.requestSessionContinuationLease({ session, leaseKey, message, delayMs });

  it("1: keeps at most one pending lease per (plugin, session, leaseKey) and says when it replaced one", async () => {
    const { host, store, context } = await start([{ text: "second" }]);
    const first = await request(context, "goal", "first", 1_000);
    const second = await request(context, "goal", "second", 1_000);
    expect(first).toMatchObject({ status: "scheduled", replaced: false });
    expect(second).toMatchObject({ status: "scheduled", replaced: true });
    expect((await store.listLeases()).map((lease) => lease.message)).toEqual(["second"]);
    const starts = record(host, "turn-start");
    await harness?.settle();
    expect(starts.map((start) => start.kind)).toEqual(["continuation"]);
  });

  it("1: separates lease keys, plugins and sessions", async () => {
    const other = createProbe("other");
    const { host, store, context } = await start(
      [{ text: "a" }, { text: "b" }, { text: "c" }, { text: "d" }],
      {
        plugins: [other.plugin],
      },
    );
    await host.openSession({ sessionKey: "s2" });
    const otherContext = await contextFor(host, other, "s1", "other");
    const secondSession = await contextFor(host, probe, "s2");
    const results = [
      await request(context, "one", "a"),
      await request(context, "two", "b"),
      await other.api().session.workflow.requestSessionContinuationLease({
        session: otherContext,
        leaseKey: "one",
        message: "c",
      }),
      await request(secondSession, "one", "d"),
    ];
    expect(results.map((result) => result.status === "scheduled" && result.replaced)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(await store.listLeases()).toHaveLength(4);
    await harness?.settle();
    expect(await store.listLeases()).toHaveLength(0);
  });

  it("2: one lease yields exactly one turn, in its session, with its message as continuation input", async () => {
    const { host, model, context } = await start([{ text: "worked" }]);
    await host.openSession({ sessionKey: "s2" });
    const starts = record(host, "turn-start");
    await request(context, "goal", "keep going");
    await harness?.settle();
    expect(starts).toEqual([
      expect.objectContaining({
        sessionKey: "s1",
        kind: "continuation",
        pluginId: "probe",
        leaseKey: "goal",
      }),
    ]);
    expect(model.requests[0]?.messages.at(-1)).toEqual({
      role: "user",
      origin: "continuation",
      content: "keep going",
    });
    expect(probe.turnEnds.map(({ event }) => [event.kind, event.leaseKey])).toEqual([
      ["continuation", "goal"],
    ]);
  });

  it("3 (seed defect 3): the production scheduler fires the lease at its due time, not before", async () => {
    const { host, clock, context } = await start([{ text: "later" }]);
    expect(host).toBeInstanceOf(Host);
    const starts = record(host, "turn-start");
    await request(context, "goal", "later", 60_000);
    await clock.advance(59_999);
    expect(starts).toHaveLength(0);
    await clock.advance(1);
    await host.idle();
    expect(starts).toHaveLength(1);
  });

  it("3: a lease cleared between schedule and admission runs no turn", async () => {
    const { host, clock, context } = await start([]);
    const starts = record(host, "turn-start");
    const cleared = record(host, "lease-cleared");
    await request(context, "goal", "never", 10);
    expect(
      await probe
        .api()
        .session.workflow.clearSessionContinuationLease({ session: context, leaseKey: "goal" }),
    ).toEqual({
      status: "cleared",
    });
    await clock.advance(1_000);
    await harness?.settle();
    expect(starts).toHaveLength(0);
    expect(cleared).toHaveLength(1);
  });

  describe("3: admission re-checks a due lease that waited behind a user turn", () => {
    async function dueBehindUserTurn(extraSteps: ScriptedStep[]) {
      const userTurnGate = gate();
      const started = await start([
        async () => {
          await userTurnGate.opened;
          return { text: "slow user turn" };
        },
        ...extraSteps,
      ]);
      const userTurn = started.host.send({ sessionKey: "s1", text: "work", sender: owner });
      await started.clock.advance(0);
      expect(await request(started.context, "goal", "continue")).toMatchObject({ status: "scheduled" });
      await started.clock.advance(0);
      const dropped = record(started.host, "lease-dropped");
      const starts = record(started.host, "turn-start");
      return {
        ...started,
        dropped,
        starts,
        finish: async () => {
          userTurnGate.open();
          await userTurn;
          await harness?.settle();
        },
      };
    }

    it("drops it when its plugin was unloaded", async () => {
      const due = await dueBehindUserTurn([]);
      due.host.unloadPlugin("probe");
      await due.finish();
      expect(due.dropped.map((event) => event.reason)).toEqual(["plugin_unloaded"]);
      expect(due.starts).toHaveLength(0);
    });

    it("drops it when the store no longer holds it, and calls no model for it", async () => {
      const due = await dueBehindUserTurn([]);
      const ends = record(due.host, "turn-end");
      // Behind the host's back: its turn begins as its claim is sent, and ends at once when the claim fails.
      await due.store.deleteLease({ pluginId: "probe", sessionKey: "s1", leaseKey: "goal" });
      await due.finish();
      expect(due.dropped.map((event) => event.reason)).toEqual(["not_current"]);
      expect(due.model.requests).toHaveLength(1);
      expect(ends.map((event) => [event.kind, event.outcome.status])).toEqual([
        ["user", "completed"],
        ["continuation", "error"],
      ]);
    });

    it("drops it when the session was reset", async () => {
      const due = await dueBehindUserTurn([]);
      await due.host.resetSession("s1");
      await due.finish();
      expect(due.dropped.map((event) => event.reason)).toEqual(["session_reset"]);
      expect(due.starts).toHaveLength(0);
    });

    it("drops it when the host is draining, and keeps it in the store for the next start", async () => {
      const due = await dueBehindUserTurn([]);
      const closing = due.host.close();
      await due.finish();
      await closing;
      expect(due.dropped.map((event) => event.reason)).toEqual(["host_draining"]);
      expect(await due.store.listLeases()).toHaveLength(1);
      expect(due.starts).toHaveLength(0);
    });
  });

  it("4: user input wins: queued user turns run before a due continuation, which then runs once", async () => {
    const userTurnGate = gate();
    const { host, clock, context } = await start([
      async () => {
        await userTurnGate.opened;
        return { text: "first user turn" };
      },
      { text: "second user turn" },
      { text: "continuation" },
    ]);
    const starts = record(host, "turn-start");
    const first = host.send({ sessionKey: "s1", text: "one", sender: owner });
    await clock.advance(0);
    await request(context, "goal", "go on");
    await clock.advance(0);
    const second = host.send({ sessionKey: "s1", text: "two", sender: owner });
    userTurnGate.open();
    await Promise.all([first, second]);
    await harness?.settle();
    expect(starts.map((start) => start.kind)).toEqual(["user", "user", "continuation"]);
  });

  it("4: a continuation cleared by the plugin while a user turn runs never starts", async () => {
    const clearer = createProbe("clearer");
    const { host, context } = await start(
      [
        async () => {
          await probe
            .api()
            .session.workflow.clearSessionContinuationLease({ session: context, leaseKey: "goal" });
          return { text: "user turn cleared the goal" };
        },
      ],
      { plugins: [clearer.plugin] },
    );
    await request(context, "goal", "go on", 5);
    const starts = record(host, "turn-start");
    await host.send({ sessionKey: "s1", text: "stop please", sender: owner });
    await harness?.settle();
    expect(starts.map((start) => start.kind)).toEqual(["user"]);
  });

  it("5: returns scheduled only after the store committed the lease", async () => {
    let commit: () => void = () => {};
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const store = new (class extends MemoryStore {
      override async putLease(lease: LeaseRecord) {
        await committed;
        return super.putLease(lease);
      }
    })();
    const { host, context } = await start([{ text: "ran" }], { store });
    const scheduled = record(host, "lease-scheduled");
    let result: LeaseRequestResult | undefined;
    const pending = request(context, "goal", "durable").then((value) => {
      result = value;
    });
    await harness?.clock.advance(0);
    expect(result).toBeUndefined();
    expect(scheduled).toHaveLength(0);
    commit();
    await pending;
    expect(result).toMatchObject({ status: "scheduled" });
    expect(await store.listLeases()).toHaveLength(1);
    await harness?.settle();
  });

  it("5: a store that cannot write rejects with store_unavailable and arms nothing", async () => {
    const store = new (class extends MemoryStore {
      override async putLease(): Promise<never> {
        throw new Error("disk full");
      }
    })();
    const { host, clock, context } = await start([], { store });
    const starts = record(host, "turn-start");
    expect(await request(context, "goal", "lost")).toEqual({
      status: "rejected",
      reason: "store_unavailable",
      message: "The lease could not be stored: disk full.",
    });
    expect(clock.pendingTimers).toBe(0);
    await harness?.settle();
    expect(starts).toHaveLength(0);
  });

  it("5: a pending lease survives a restart on the same store and runs once", async () => {
    const first = await start([]);
    await request(first.context, "goal", "after restart", 60_000);
    await first.host.close();
    const restartedProbe = createProbe();
    const model = new ScriptedModel([{ text: "resumed" }]);
    harness = await make({ model, plugins: [restartedProbe.plugin], store: first.store });
    onTestFinished(() => first.dispose());
    const starts = record(harness.host, "turn-start");
    await harness.settle();
    expect(starts).toEqual([
      expect.objectContaining({ sessionKey: "s1", kind: "continuation", leaseKey: "goal" }),
    ]);
    expect(model.requests[0]?.messages.at(-1)).toMatchObject({
      origin: "continuation",
      content: "after restart",
    });
  });

  it("6 (seed defect 2): results use the one status union, never a helper-only value like 'enqueued'", async () => {
    expectTypeOf<LeaseRequestResult["status"]>().toEqualTypeOf<"scheduled" | "rejected">();
    expectTypeOf<LeaseClearResult["status"]>().toEqualTypeOf<"cleared" | "not_found" | "rejected">();
    const { context } = await start([{ text: "ran" }]);
    const scheduled = await request(context, "goal", "x");
    expect(scheduled.status).toBe("scheduled");
    expect(JSON.stringify(scheduled)).not.toContain("enqueued");
    await harness?.settle();
  });

  it("7: clear is idempotent and never throws for a missing lease", async () => {
    const { context } = await start([]);
    const clear = () =>
      probe.api().session.workflow.clearSessionContinuationLease({ session: context, leaseKey: "goal" });
    expect(await clear()).toEqual({ status: "not_found" });
    await request(context, "goal", "x", 1_000);
    expect(await clear()).toEqual({ status: "cleared" });
    expect(await clear()).toEqual({ status: "not_found" });
  });

  it("reads the pending lease of its own slot only", async () => {
    const { context } = await start([]);
    const get = (leaseKey: string) =>
      probe.api().session.workflow.getSessionContinuationLease({ session: context, leaseKey });
    expect(await get("goal")).toEqual({ status: "not_found" });
    await request(context, "goal", "x", 1_000);
    expect(await get("goal")).toMatchObject({ status: "pending", lease: { leaseKey: "goal", message: "x" } });
    expect(await get("other")).toEqual({ status: "not_found" });
    expect(
      await probe
        .api()
        .session.workflow.getSessionContinuationLease({ session: { ...context }, leaseKey: "goal" }),
    ).toMatchObject({ status: "rejected", reason: "untrusted_session" });
  });

  it("race: 100 concurrent requests for one key leave exactly one pending lease and one turn", async () => {
    const { host, store, model, context } = await start([{ text: "once" }]);
    const starts = record(host, "turn-start");
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) => request(context, "goal", `m${index}`, 5)),
    );
    expect(results.every((result) => result.status === "scheduled")).toBe(true);
    expect(results.filter((result) => result.status === "scheduled" && !result.replaced)).toHaveLength(1);
    expect(await store.listLeases()).toHaveLength(1);
    await harness?.settle();
    expect(starts).toHaveLength(1);
    expect(model.requests[0]?.messages.at(-1)).toMatchObject({ content: "m99" });
  });
});

describe("recovery after a crash", () => {
  it("records a started continuation as interrupted, tells its plugin, and never replays it", async () => {
    const store = SqliteStore.open(join(directory, `recovery-${randomUUID()}.db`));
    onTestFinished(() => store.close());
    const probe = createProbe();
    const model = new ScriptedModel([]);
    const first = await createHost({ model, plugins: [probe.plugin], clock: new FakeClock(), store });
    await first.openSession({ sessionKey: "s1" });
    const context = await contextFor(first, probe, "s1");
    const scheduled = await probe.api().session.workflow.requestSessionContinuationLease({
      session: context,
      leaseKey: "goal",
      message: "work",
      delayMs: 60_000,
    });
    if (scheduled.status !== "scheduled") throw new Error(scheduled.message);
    // What a process killed mid-turn leaves behind: the lease claimed, its turn never finished.
    await store.claimLease({ pluginId: "probe", sessionKey: "s1", leaseKey: "goal" }, scheduled.lease.id);
    await first.close();

    const interrupted: string[] = [];
    const restartedProbe = createProbe();
    const plugin = {
      ...restartedProbe.plugin,
      register: async (api: Parameters<typeof restartedProbe.plugin.register>[0]) => {
        await restartedProbe.plugin.register(api);
        api.on("lease-interrupted", (event, hookContext) => {
          interrupted.push(`${hookContext.sessionKey}:${event.leaseKey}:${event.leaseId}`);
        });
      },
    };
    const clock = new FakeClock();
    const second = await createHost({ model, plugins: [plugin], clock, store });
    const starts: unknown[] = [];
    second.on("turn-start", (event) => starts.push(event));
    await settle(second, clock);
    expect(interrupted).toEqual([`s1:goal:${scheduled.lease.id}`]);
    expect(await store.listStartedLeases()).toEqual([]);
    expect(starts).toEqual([]);
    await second.close();
    model.verify();
  });
});
