import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { freshPostgresStore } from "../../../test/postgres-store.js";
import { SessionOwnedError } from "../../errors.js";
import type { Fence, LeaseRecord, TranscriptEntry } from "../store.js";
import type { PostgresStore } from "./postgres-store.js";

/** Batches sent to the server by this test file's stores. */
let batches = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function counted(
  this: unknown,
  ...args: unknown[]
) {
  if ((args[0] as { name?: string } | undefined)?.name === "goal_lease_apply_batch") batches++;
  return query.apply(this, args);
};

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

const entry = (index: number): TranscriptEntry => ({
  generation: 1,
  turnId: `t${index}`,
  at: index,
  message: { role: "user", origin: "user", content: `message ${index}` },
});

/** `sessionKey` acquired by `ownerId` at `now`: its fence. */
async function acquired(store: PostgresStore, sessionKey: string, ownerId: string, now = 0): Promise<Fence> {
  const result = (await store.acquireSessions([sessionKey], ownerId, { now, ttlMs: 60_000 }))[0];
  if (result?.status !== "acquired") throw new Error(`${sessionKey} not acquired`);
  return result.fence;
}

const lease = (sessionKey: string, id: string, leaseKey = "k"): LeaseRecord => ({
  id,
  pluginId: "p",
  sessionKey,
  leaseKey,
  message: "go on",
  createdAt: 0,
  dueAt: 0,
  generation: 1,
});

/** What a promise settled with: its value, or the error it failed with. */
const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error as Error }),
  );

describe("PostgreSQL group commit", () => {
  it("sends a session's writes made together in one round trip, applied in the order they were made", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const fence = (await store.acquireSessions(["s1"], "host-a", { now: 0, ttlMs: 60_000 }))[0];
    if (fence?.status !== "acquired") throw new Error("not acquired");
    const options = { fence: fence.fence };
    const lease: LeaseRecord = {
      id: "l1",
      pluginId: "p",
      sessionKey: "s1",
      leaseKey: "k",
      message: "go on",
      createdAt: 0,
      dueAt: 0,
      generation: 1,
    };
    const before = batches;
    const [, , claimed] = await Promise.all([
      store.appendTranscript("s1", [entry(1)], options),
      store.putLease(lease, options),
      // Made before the lease's write has answered: it sees it, as it came after it.
      store.claimLease(lease, lease.id, options),
      store.appendTranscript("s1", [entry(2)], options),
      store.appendTranscript("s1", [entry(3)], options),
    ]);
    expect(batches - before).toBe(1);
    expect(claimed?.id).toBe("l1");
    const transcript = await store.readTranscript("s1", { generation: 1, limit: 10 });
    expect(transcript.map((written) => written.turnId)).toEqual(["t1", "t2", "t3"]);
  });

  it("sends a write made after another with it, and applies it only if that one wrote or claimed", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const fence = await acquired(store, "s1", "host-a");
    const options = { fence };
    await store.putLease(lease("s1", "l1"), options);
    const before = batches;
    const claimed = store.claimLease(lease("s1", "l1"), "l1", options);
    const stale = store.claimLease(lease("s1", "l1", "other"), "l1", options);
    const written = store.writeState("p", "s1", "k", "report", 0, options);
    const lost = store.writeState("p", "s1", "k", "lost", 0, options);
    const ifState = { key: "k", version: 1 };
    const results = await Promise.all([
      settled(store.appendTranscript("s1", [entry(1)], { ...options, after: claimed })),
      settled(store.appendTranscript("s1", [entry(2)], { ...options, after: stale })),
      settled(store.putLease(lease("s1", "l2"), { ...options, ifState, after: written })),
      // Version 1 is there, but written by another write than the one this lease follows.
      settled(store.putLease(lease("s1", "l3", "k3"), { ...options, ifState, after: lost })),
    ]);
    expect(batches - before).toBe(1);
    expect(
      results.map((result) => ("error" in result ? (result.error as { code?: string }).code : "ok")),
    ).toEqual(["ok", "not_applied", "ok", "not_applied"]);
    expect((await store.readTranscript("s1", { generation: 1, limit: 10 })).map((e) => e.turnId)).toEqual([
      "t1",
    ]);
    expect((await store.listLeases("s1")).map((pending) => pending.id)).toEqual(["l2"]);
    // After a write already answered, the dependency is kept on this side: nothing is sent for a refused one.
    const sent = batches;
    await expect(
      store.appendTranscript("s1", [entry(3)], { ...options, after: stale }),
    ).rejects.toMatchObject({
      code: "not_applied",
    });
    expect(batches).toBe(sent);
    await store.appendTranscript("s1", [entry(4)], { ...options, after: claimed });
    expect((await store.readTranscript("s1", { generation: 1, limit: 10 })).map((e) => e.turnId)).toEqual([
      "t1",
      "t4",
    ]);
  });

  it("refuses the writes of a stale fence alone: the other sessions' writes in the batch commit", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const stale = await acquired(store, "s1", "host-a");
    // Another host took s1 once host-a's claim expired: host-a's fence is stale.
    const current = await acquired(store, "s1", "host-b", 120_000);
    const fine = await acquired(store, "s2", "host-a", 120_000);
    const before = batches;
    const results = await Promise.all([
      settled(store.appendTranscript("s1", [entry(1)], { fence: stale })),
      settled(store.appendTranscript("s2", [entry(2)], { fence: fine })),
      settled(store.writeState("p", "s1", "k", "stale", 0, { fence: stale })),
      settled(store.writeState("p", "s1", "k", "current", 0, { fence: current })),
      settled(store.writeState("p", "s2", "k", "fine", 0, { fence: fine, log: ["one"] })),
      settled(store.putLease(lease("s1", "l-stale"), { fence: stale })),
      settled(store.putLease(lease("s2", "l-fine"), { fence: fine })),
    ]);
    expect(batches - before).toBe(1);
    for (const index of [0, 2, 5])
      expect(results[index]).toMatchObject({ error: expect.any(SessionOwnedError) });
    for (const index of [1, 3, 4, 6]) expect(results[index]).not.toHaveProperty("error");
    expect(await store.readTranscript("s1", { generation: 1, limit: 10 })).toEqual([]);
    expect(await store.readTranscript("s2", { generation: 1, limit: 10 })).toHaveLength(1);
    expect(await store.readState("p", "s1", "k")).toEqual({ value: "current", version: 1 });
    expect(await store.readState("p", "s2", "k")).toEqual({ value: "fine", version: 1 });
    expect(await store.readLog("p", "s2", "k", { limit: 10 })).toEqual(["one"]);
    expect((await store.listLeases()).map((pending) => pending.id)).toEqual(["l-fine"]);
  });

  it("fails a write that raises alone: the others of its batch, of its session too, commit in order", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const s1 = await acquired(store, "s1", "host-a");
    const s2 = await acquired(store, "s2", "host-a");
    await store.putLease(lease("s2", "taken", "other"), { fence: s2 });
    const before = batches;
    const results = await Promise.all([
      settled(store.appendTranscript("s1", [entry(1)], { fence: s1 })),
      // A lease id is unique across slots: this insert raises.
      settled(store.putLease(lease("s1", "taken"), { fence: s1 })),
      settled(store.writeState("p", "s1", "k", 1, 0, { fence: s1 })),
      settled(store.writeState("p", "s1", "k", 2, 1, { fence: s1 })),
      settled(store.appendTranscript("s2", [entry(2)], { fence: s2 })),
      // A conflict is an answer, not a failure.
      settled(store.writeState("p", "s2", "k", 1, 5, { fence: s2 })),
    ]);
    expect(batches - before).toBe(1);
    expect(results[1]).toMatchObject({ error: { message: expect.stringMatching(/duplicate key/) } });
    expect(results[2]).toEqual({ value: { status: "written", version: 1 } });
    expect(results[3]).toEqual({ value: { status: "written", version: 2 } });
    expect(results[5]).toEqual({ value: { status: "conflict", current: undefined } });
    expect(results[0]).not.toHaveProperty("error");
    expect(results[4]).not.toHaveProperty("error");
    expect(await store.readTranscript("s1", { generation: 1, limit: 10 })).toHaveLength(1);
    expect(await store.readTranscript("s2", { generation: 1, limit: 10 })).toHaveLength(1);
    expect(await store.readState("p", "s1", "k")).toEqual({ value: 2, version: 2 });
    expect((await store.listLeases()).map((pending) => pending.id)).toEqual(["taken"]);
    // The batch after it runs as usual.
    expect(await store.writeState("p", "s1", "k", 3, 2, { fence: s1 })).toEqual({
      status: "written",
      version: 3,
    });
  });

  it("sends a second batch beside one on its way, never with writes of that one's sessions, which stay in order", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const blocked = `blocked-${randomUUID()}`;
    const first = [blocked, ...Array.from({ length: 39 }, (_, index) => `a${index}`)];
    const others = Array.from({ length: 40 }, (_, index) => `b${index}`);
    const fences = new Map<string, Fence>();
    for (const sessionKey of [...first, ...others])
      fences.set(sessionKey, await acquired(store, sessionKey, "h"));
    const write = (sessionKey: string, index: number) =>
      store.appendTranscript(sessionKey, [entry(index)], { fence: fences.get(sessionKey) as Fence });
    // Another connection holds one session's lock, so the first batch waits on the server.
    const holder = new pg.Client(inject("postgresUrl"));
    await holder.connect();
    await holder.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [blocked]);
    try {
      const before = batches;
      const firstWrites = Promise.all(first.map((sessionKey) => write(sessionKey, 1)));
      await new Promise(setImmediate);
      expect(batches - before).toBe(1);
      // Made while it is on its way: the other sessions' writes go at once, these sessions' wait for it.
      const sameSessions = Promise.all(first.map((sessionKey) => write(sessionKey, 2)));
      let firstDone = false;
      void firstWrites.then(() => {
        firstDone = true;
      });
      await Promise.all(others.map((sessionKey) => write(sessionKey, 1)));
      expect(batches - before).toBe(2);
      expect(firstDone).toBe(false);
      await holder.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [blocked]);
      await Promise.all([firstWrites, sameSessions]);
      expect(batches - before).toBe(3);
    } finally {
      await holder.end();
    }
    for (const sessionKey of first) {
      const transcript = await store.readTranscript(sessionKey, { generation: 1, limit: 10 });
      expect(transcript.map((written) => written.turnId)).toEqual(["t1", "t2"]);
    }
  });

  it("keeps arrays of any text through the batch: several entries, quotes, backslashes, braces, NULL", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const fence = await acquired(store, "s1", "host-a");
    const odd = ['a "quoted" \\ back\\slash', "{braces}, commas", "NULL", "", "ünïcødé ✓", "line\nbreak"];
    const entries = odd.map((content, index) => ({
      ...entry(index),
      leaseId: index % 2 ? `lease ${index}` : undefined,
      message: { role: "user" as const, origin: "user" as const, content },
    }));
    await store.appendTranscript("s1", entries, { fence });
    await store.appendLog("p", "s1", "log", odd, { fence });
    await store.writeState("p", "s1", "k", odd, 0, { fence, log: odd });
    const transcript = await store.readTranscript("s1", { generation: 1, limit: 10 });
    expect(transcript.map((written) => written.message)).toEqual(entries.map((written) => written.message));
    expect(transcript.map((written) => written.leaseId)).toEqual(entries.map((written) => written.leaseId));
    expect(await store.readLog("p", "s1", "log", { limit: 10 })).toEqual(odd);
    expect(await store.readLog("p", "s1", "k", { limit: 10 })).toEqual(odd);
    expect(await store.readState("p", "s1", "k")).toEqual({ value: odd, version: 1 });
  });
});
