import { createHost, type LeaseRecord, MemoryStore } from "@goal-lease/sdk";
import { FakeClock, ScriptedModel, settle } from "@goal-lease/sdk/testing";
import { describe, expect, it } from "vitest";
import { storedGoalWithEvents as readStoredGoal } from "../test/goal-harness.js";
import { createGoalPlugin } from "./index.js";

const owner = { id: "owner", isOwner: true };

/** A store whose `finishLease` can be switched off, standing in for a crash right after recovery told the plugin. */
class CrashyStore extends MemoryStore {
  crashBeforeFinish = false;
  override async finishLease(id: string) {
    if (!this.crashBeforeFinish) await super.finishLease(id);
  }
}

async function restart(store: CrashyStore) {
  const clock = new FakeClock();
  const host = await createHost({ model: new ScriptedModel(), store, clock, plugins: [createGoalPlugin()] });
  await settle(host, clock);
  await host.close();
}

describe("a goal turn cut off by a crash", () => {
  it("is counted once and pauses the goal, even when recovery is told twice", async () => {
    const store = new CrashyStore();
    const clock = new FakeClock();
    const first = await createHost({
      model: new ScriptedModel(),
      store,
      clock,
      plugins: [createGoalPlugin()],
    });
    await first.openSession({ sessionKey: "s1" });
    await first.send({ sessionKey: "s1", text: "/goal start survive a crash", sender: owner });
    await first.close();
    // What a kill mid-turn leaves: the lease claimed, its turn never finished.
    const [lease] = (await store.listLeases()) as [LeaseRecord];
    await store.claimLease(lease, lease.id);

    store.crashBeforeFinish = true;
    await restart(store);
    store.crashBeforeFinish = false;
    await restart(store);

    const goal = await readStoredGoal(store, "s1");
    expect(goal).toMatchObject({ status: "paused", continuations: 1, countedLeaseIds: [lease.id] });
    expect(goal?.events.filter((event) => event.type === "status").at(-1)).toMatchObject({
      to: "paused",
      by: "gate",
      reason: expect.stringMatching(/interrupted by a restart/),
    });
    expect(await store.listStartedLeases()).toEqual([]);
    expect(await store.listLeases()).toEqual([]);
  });
});

describe("a goal turn that finished just before a crash", () => {
  it("is counted once, and the goal goes on instead of pausing", async () => {
    const store = new CrashyStore();
    store.crashBeforeFinish = true;
    const report = (status: string, note: string) => ({
      toolCalls: [{ name: "goal_status", input: { status, note } }],
    });
    const firstClock = new FakeClock();
    const first = await createHost({
      model: new ScriptedModel([report("continue", "step one")]),
      store,
      clock: firstClock,
      plugins: [createGoalPlugin()],
    });
    await first.openSession({ sessionKey: "s1" });
    await first.send({ sessionKey: "s1", text: "/goal start finish twice", sender: owner });
    await firstClock.runNext();
    await first.idle();
    await first.close();
    // The turn ended and was counted; only the host's finish of its lease never happened.
    expect(await store.listStartedLeases()).toHaveLength(1);
    expect((await readStoredGoal(store, "s1"))?.continuations).toBe(1);

    store.crashBeforeFinish = false;
    const model = new ScriptedModel([report("done", "step two")]);
    const clock = new FakeClock();
    const second = await createHost({ model, store, clock, plugins: [createGoalPlugin()] });
    await settle(second, clock);
    await second.close();
    model.verify();
    const goal = await readStoredGoal(store, "s1");
    expect(goal).toMatchObject({ status: "done", continuations: 2 });
    expect(goal?.events.some((event) => event.type === "status" && /interrupted/.test(event.reason))).toBe(
      false,
    );
  });
});

describe("a goal stored in a format this version cannot read", () => {
  it("is reported with what to do, and /goal clear deletes it", async () => {
    const store = new MemoryStore();
    await store.writeState("goal", "s1", "goal", { formatVersion: 99 }, 0);
    const clock = new FakeClock();
    const host = await createHost({
      model: new ScriptedModel(),
      store,
      clock,
      plugins: [createGoalPlugin()],
    });
    await host.openSession({ sessionKey: "s1" });
    const status = await host.send({ sessionKey: "s1", text: "/goal", sender: owner });
    expect(status.kind === "command" && status.command).toMatchObject({
      status: "error",
      reply: expect.stringMatching(
        /format 99; this version reads format 1\. Upgrade goal-lease, or clear the goal/,
      ),
    });
    const cleared = await host.send({ sessionKey: "s1", text: "/goal clear", sender: owner });
    expect(cleared.kind === "command" && cleared.command.reply).toMatch(
      /could not be read, so it was deleted/,
    );
    expect(await store.readState("goal", "s1", "goal")).toBeUndefined();
    await host.close();
  });
});

describe("an active goal left with nothing scheduled (its lease write was lost)", () => {
  async function stranded(options: { maxTurns: number; continuations: number }) {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const first = await createHost({
      model: new ScriptedModel(),
      store,
      clock,
      plugins: [createGoalPlugin()],
    });
    await first.openSession({ sessionKey: "s1" });
    await first.send({
      sessionKey: "s1",
      text: `/goal start keep the lights on --max-turns ${options.maxTurns}`,
      sender: owner,
    });
    await first.close();
    // What a failed write leaves: the goal says active, the store holds no continuation for it.
    for (const lease of await store.listLeases()) await store.deleteLease(lease, lease.id);
    const entry = await store.readState("goal", "s1", "goal");
    const goal = { ...(entry?.value as object), continuations: options.continuations };
    await store.writeState("goal", "s1", "goal", goal, entry?.version ?? 0);
    return store;
  }

  /** The next host that serves the session. */
  async function serve(store: MemoryStore) {
    const host = await createHost({
      model: new ScriptedModel(),
      store,
      clock: new FakeClock(),
      plugins: [createGoalPlugin()],
    });
    await host.openSession({ sessionKey: "s1" });
    return host;
  }

  it("is re-armed when a host next serves the session", async () => {
    const store = await stranded({ maxTurns: 5, continuations: 1 });
    const host = await serve(store);
    expect(await store.listLeases()).toHaveLength(1);
    expect((await readStoredGoal(store, "s1"))?.status).toBe("active");
    await host.close();
  });

  it("is stopped at its gate, never re-armed past it, by the next host or by /goal resume", async () => {
    const store = await stranded({ maxTurns: 2, continuations: 2 });
    const host = await serve(store);
    const goal = await readStoredGoal(store, "s1");
    expect(goal?.status).toBe("turn_limited");
    expect(goal?.events.filter((event) => event.type === "gate").at(-1)).toMatchObject({ gate: "turn_cap" });
    expect(await store.listLeases()).toEqual([]);
    const resumed = await host.send({ sessionKey: "s1", text: "/goal resume", sender: owner });
    expect(resumed.kind === "command" && resumed.command.reply).toMatch(
      /^Cannot resume: 2 of 2 continuations used/,
    );
    expect(await store.listLeases()).toEqual([]);
    await host.close();
  });
});
