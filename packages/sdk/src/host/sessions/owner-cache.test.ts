import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freshPostgresStore } from "../../../test/postgres-store.js";
import { contextFor, createProbe, owner } from "../../../test/probe-plugin.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { SqliteStore } from "../../store/sqlite/sqlite-store.js";
import type { HostStore } from "../../store/store.js";
import { FakeClock, ScriptedModel, type ScriptedStep, settle } from "../../testing/index.js";
import { createHost, type Host } from "../host.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-owner-cache-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const stores: [string, () => HostStore | Promise<HostStore>][] = [
  ["memory store", () => new MemoryStore()],
  ["SQLite store", () => SqliteStore.open(join(directory, `${randomUUID()}.db`))],
  ["PostgreSQL store", () => freshPostgresStore()],
];

/** A store that counts the host's calls by method, and fails the next call of a method on demand. */
function watched(store: HostStore) {
  const calls = new Map<string, number>();
  const failing = new Set<string>();
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || typeof name !== "string") return value;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        if (failing.delete(name)) return Promise.reject(new Error(`${name} failed (injected)`));
        return value.apply(target, args);
      };
    },
  });
  return {
    store: proxy,
    calls: (name: string) => calls.get(name) ?? 0,
    failNext: (name: string) => failing.add(name),
  };
}

const ttlMs = 10_000;

/** A person's message in `sessionKey`, resolved with its turn once it has ended. */
async function userTurn(host: Host, sessionKey: string, text: string) {
  const sent = await host.send({ sessionKey, text, sender: owner });
  if (sent.kind !== "turn") throw new Error(`${text} ran as a command`);
  return sent.turn;
}

/** Lets the event loop run until `done` holds, or fails after 10 s of real time: a bound on a hang. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done(); ) {
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise(setImmediate);
  }
}

describe.each(stores)("the owner's copies of its own writes: %s", (_name, makeStore) => {
  const hosts: Host[] = [];
  const stores: HostStore[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close().catch(() => undefined);
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  });

  async function hostOn(store: HostStore, clock: FakeClock, steps: ScriptedStep[] = []) {
    const probe = createProbe();
    const model = new ScriptedModel(steps);
    const host = await createHost({ model, store, clock, plugins: [probe.plugin], ownership: { ttlMs } });
    hosts.push(host);
    return { host, probe, model, clock };
  }

  async function opened() {
    const base = await makeStore();
    stores.push(base);
    return { base, ...watched(base) };
  }

  it("serves the owner's reads of what it wrote from memory, and the model sees what the store holds", async () => {
    const { base, store, calls } = await opened();
    const { host, probe, model, clock } = await hostOn(store, new FakeClock(), [
      { text: "one" },
      { text: "two" },
      { text: "three" },
    ]);
    await host.openSession({ sessionKey: "s1" });
    const context = await contextFor(host, probe, "s1");
    const { state } = probe.api();
    await state.set(context, "run", { step: 1 }, { expectedVersion: 0 });
    const reads = calls("readState");
    expect(await state.get(context, "run")).toEqual({ value: { step: 1 }, version: 1 });
    expect(calls("readState")).toBe(reads);

    for (const text of ["first", "second", "third"]) await userTurn(host, "s1", text);
    await settle(host, clock);
    // The first turn reads the window from the store; the next ones know it, as they wrote it.
    expect(calls("readTranscript")).toBe(1);
    const stored = await base.readTranscript("s1", { generation: 1, limit: 40 });
    const last = model.requests.at(-1);
    expect(last?.messages).toEqual(stored.slice(0, -1).map((entry) => entry.message));
  });

  it("opens many sessions at once with one claim for those asked meanwhile, each claimed and read once", async () => {
    const { base, store, calls } = await opened();
    const { host } = await hostOn(store, new FakeClock());
    const keys = Array.from({ length: 40 }, (_, index) => `s${index}`);
    const infos = await Promise.all(keys.map((sessionKey) => host.openSession({ sessionKey })));
    expect(infos.map((info) => info.sessionKey)).toEqual(keys);
    // The first claim goes alone; the 39 asked while it was on its way go together after it.
    expect(calls("acquireSessions")).toBe(2);
    // Each is read once (the recovery of a session just opened does not claim or read it again).
    expect(calls("getSession")).toBe(keys.length);
    const owners = (await base.listOwners()).filter((entry) => keys.includes(entry.sessionKey));
    expect(owners.map((entry) => entry.ownerId)).toEqual(keys.map(() => host.ownerId));
  });

  it("reads afresh what another process wrote while it held the session, once it takes the session back", async () => {
    const { base, store } = await opened();
    const clock = new FakeClock();
    const firstClock = new FakeClock(clock.now());
    const first = await hostOn(store, firstClock);
    await first.host.openSession({ sessionKey: "s1" });
    const stale = await contextFor(first.host, first.probe, "s1");
    await first.probe.api().state.set(stale, "run", "mine", { expectedVersion: 0 });

    // The first host stalls past its claim; a second one takes the session, writes, then dies.
    await clock.advance(ttlMs + 1);
    const second = await hostOn(base, clock);
    await second.host.openSession({ sessionKey: "s1" });
    const theirs = await contextFor(second.host, second.probe, "s1");
    await second.probe.api().state.set(theirs, "run", "theirs", { expectedVersion: 1 });
    hosts.splice(hosts.indexOf(second.host), 1);

    // The first host comes back: it hears it lost the session, and takes it again once the second is gone.
    const lost: string[] = [];
    first.host.on("session-lost", (event) => lost.push(event.sessionKey));
    await firstClock.advance(ttlMs);
    await until(() => lost.length > 0);
    await firstClock.advance(ttlMs * 2);
    await first.host.openSession({ sessionKey: "s1" });
    const fresh = await contextFor(first.host, first.probe, "s1");
    expect(await first.probe.api().state.get(fresh, "run")).toEqual({ value: "theirs", version: 2 });
  });

  it("never keeps a write the store did not commit: a failed or refused write leaves the store's value", async () => {
    const { base, store, calls, failNext } = await opened();
    const { host, probe } = await hostOn(store, new FakeClock());
    await host.openSession({ sessionKey: "s1" });
    const context = await contextFor(host, probe, "s1");
    const { state } = probe.api();
    await state.set(context, "run", "one", { expectedVersion: 0 });

    failNext("writeState");
    await expect(state.set(context, "run", "two", { expectedVersion: 1 })).rejects.toThrow(/injected/);
    const reads = calls("readState");
    expect(await state.get(context, "run")).toEqual({ value: "one", version: 1 });
    expect(calls("readState")).toBe(reads + 1);

    // A write behind the owner's back (no process does this; the store's compare-and-set still catches it).
    await base.writeState("probe", "s1", "run", "elsewhere", 1);
    expect(await state.set(context, "run", "three", { expectedVersion: 1 })).toMatchObject({
      status: "conflict",
    });
    expect(await state.get(context, "run")).toEqual({ value: "elsewhere", version: 2 });
  });

  it("builds the next prompt from the store after a transcript write failed", async () => {
    const { base, store, failNext } = await opened();
    // The second turn's input is not on record, so its model is never called.
    const { host, model, clock } = await hostOn(store, new FakeClock(), [{ text: "one" }, { text: "three" }]);
    await host.openSession({ sessionKey: "s1" });
    await userTurn(host, "s1", "first");
    failNext("appendTranscript");
    const failed = await userTurn(host, "s1", "second");
    expect(failed.outcome).toMatchObject({ status: "error", kind: "host_error" });
    await userTurn(host, "s1", "third");
    await settle(host, clock);
    const stored = await base.readTranscript("s1", { generation: 1, limit: 40 });
    expect(model.requests.at(-1)?.messages).toEqual(stored.slice(0, -1).map((entry) => entry.message));
  });
});
