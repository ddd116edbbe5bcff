import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freshPostgresStore } from "../../test/postgres-store.js";
import { MemoryStore } from "./memory/memory-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import { type HostStore, inboxLimits, type LeaseRecord, type TranscriptEntry } from "./store.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-store-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileCount = 0;

/** Every store implementation must pass this suite unchanged. */
const stores: [string, () => HostStore | Promise<HostStore>][] = [
  ["MemoryStore", () => new MemoryStore()],
  ["SqliteStore (file)", () => SqliteStore.open(join(directory, `contract-${++fileCount}.db`))],
  ["PostgresStore", () => freshPostgresStore()],
];

const lease = (overrides: Partial<LeaseRecord> = {}): LeaseRecord => ({
  id: "lease-1",
  pluginId: "goal",
  sessionKey: "s1",
  leaseKey: "goal",
  message: "continue",
  createdAt: 1,
  dueAt: 2,
  generation: 1,
  ...overrides,
});

const entry = (turnId: string, content: string, generation = 1): TranscriptEntry => ({
  generation,
  turnId,
  at: 5,
  message: { role: "user", origin: "user", content },
});

describe.each(stores)("store contract: %s", (_name, open) => {
  let store: HostStore;
  afterEach(async () => store?.close());

  it("stores, updates and lists sessions", async () => {
    store = await open();
    expect(await store.getSession("s1")).toBeUndefined();
    await store.putSession({
      sessionKey: "s1",
      agentId: "main",
      channel: "cli",
      generation: 1,
      createdAt: 10,
    });
    await store.putSession({
      sessionKey: "s1",
      agentId: "main",
      channel: "cli",
      generation: 2,
      createdAt: 10,
      closedAt: 20,
    });
    expect(await store.getSession("s1")).toEqual({
      sessionKey: "s1",
      agentId: "main",
      channel: "cli",
      generation: 2,
      createdAt: 10,
      closedAt: 20,
    });
    expect((await store.listSessions()).map((session) => session.sessionKey)).toEqual(["s1"]);
  });

  it("reads the last entries of one generation, oldest first, and keeps lease ids", async () => {
    store = await open();
    await store.appendTranscript("s1", [entry("t1", "a"), entry("t1", "b"), entry("t2", "c", 2)]);
    await store.appendTranscript("s1", [{ ...entry("t3", "d"), leaseId: "lease-9" }]);
    await store.appendTranscript("s2", [entry("t4", "other session")]);
    const window = await store.readTranscript("s1", { generation: 1, limit: 2 });
    expect(window.map((item) => item.message.role === "user" && item.message.content)).toEqual(["b", "d"]);
    expect(window[1]?.leaseId).toBe("lease-9");
    expect(window[0]?.leaseId).toBeUndefined();
    expect(await store.readTranscript("s1", { generation: 2, limit: 10 })).toHaveLength(1);
  });

  it("writes plugin state with compare-and-set versions", async () => {
    store = await open();
    expect(await store.writeState("goal", "s1", "goal", { n: 1 }, 0)).toEqual({
      status: "written",
      version: 1,
    });
    expect(await store.writeState("goal", "s1", "goal", { n: 2 }, 0)).toEqual({
      status: "conflict",
      current: { value: { n: 1 }, version: 1 },
    });
    expect(await store.writeState("goal", "s1", "goal", { n: 2 }, 1)).toEqual({
      status: "written",
      version: 2,
    });
    expect(await store.readState("goal", "s1", "goal")).toEqual({ value: { n: 2 }, version: 2 });
    expect(await store.readState("goal", "s2", "goal")).toBeUndefined();
    expect(await store.readState("other", "s1", "goal")).toBeUndefined();
    expect(await store.deleteState("goal", "s1", "goal")).toBe(true);
    expect(await store.deleteState("goal", "s1", "goal")).toBe(false);
    expect(await store.writeState("goal", "s1", "goal", null, 0)).toEqual({ status: "written", version: 1 });
  });

  it("keeps a plugin log beside its state: appended with a write that lands, read only when asked", async () => {
    store = await open();
    await store.appendLog("goal", "s1", "goal", [{ n: 1 }, { n: 2 }]);
    expect(await store.readState("goal", "s1", "goal")).toBeUndefined();
    await store.writeState("goal", "s1", "goal", { v: 1 }, 0, { log: [{ n: 3 }] });
    // A write that loses the compare-and-set appends nothing.
    await store.writeState("goal", "s1", "goal", { v: 9 }, 0, { log: [{ n: 99 }] });
    expect(await store.readLog("goal", "s1", "goal", { limit: 10 })).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await store.readLog("goal", "s1", "goal", { limit: 2 })).toEqual([{ n: 2 }, { n: 3 }]);
    expect(await store.readLog("goal", "s2", "goal", { limit: 10 })).toEqual([]);
    expect(await store.readLog("other", "s1", "goal", { limit: 10 })).toEqual([]);
    const copy = await store.readLog("goal", "s1", "goal", { limit: 1 });
    (copy[0] as { n: number }).n = 42;
    expect(await store.readLog("goal", "s1", "goal", { limit: 1 })).toEqual([{ n: 3 }]);
    await store.deleteState("goal", "s1", "goal");
    expect(await store.readLog("goal", "s1", "goal", { limit: 10 })).toEqual([]);
  });

  it("keeps the last 1,000 entries of a log", async () => {
    store = await open();
    for (let batch = 0; batch < 11; batch++) {
      await store.appendLog(
        "goal",
        "s1",
        "goal",
        Array.from({ length: 100 }, (_, index) => batch * 100 + index),
      );
    }
    const kept = await store.readLog("goal", "s1", "goal", { limit: 5_000 });
    expect(kept).toHaveLength(1_000);
    expect(kept[0]).toBe(100);
    expect(kept.at(-1)).toBe(1_099);
  });

  it("keeps one pending lease per slot and reports what it replaced", async () => {
    store = await open();
    expect(await store.putLease(lease())).toEqual({ replaced: undefined });
    expect(await store.putLease(lease({ id: "lease-2", message: "newer" }))).toEqual({ replaced: lease() });
    await store.putLease(lease({ id: "lease-3", leaseKey: "other" }));
    await store.putLease(lease({ id: "lease-4", sessionKey: "s2" }));
    expect(await store.getLease(lease())).toMatchObject({ id: "lease-2", message: "newer" });
    expect(await store.listLeases()).toHaveLength(3);
    expect(await store.deleteLease(lease(), "lease-1")).toBeUndefined();
    expect((await store.deleteSessionLeases("s1")).map((item) => item.id).sort()).toEqual([
      "lease-2",
      "lease-3",
    ]);
    expect(await store.listLeases()).toEqual([lease({ id: "lease-4", sessionKey: "s2" })]);
  });

  it("claims a lease once, moving it to the started set until finished", async () => {
    store = await open();
    await store.putLease(lease());
    expect(await store.claimLease(lease(), "wrong-id")).toBeUndefined();
    expect(await store.claimLease(lease(), "lease-1")).toEqual(lease());
    expect(await store.claimLease(lease(), "lease-1")).toBeUndefined();
    expect(await store.getLease(lease())).toBeUndefined();
    expect(await store.listStartedLeases()).toEqual([lease()]);
    // A new lease for the same slot may be pending while the claimed one's turn runs.
    await store.putLease(lease({ id: "lease-2" }));
    await store.finishLease("lease-1");
    expect(await store.listStartedLeases()).toEqual([]);
    expect(await store.getLease(lease())).toMatchObject({ id: "lease-2" });
  });

  it("bounds the inbox: a session's pending commands are capped, and answered ones are dropped after an hour", async () => {
    store = await open();
    const sender = { id: "cli", isOwner: true };
    const posted = [];
    for (let index = 0; index < inboxLimits.maxPending; index++)
      posted.push(
        await store.postCommand({
          sessionKey: "s1",
          pluginId: "goal",
          verb: "wake",
          input: { note: String(index) },
          sender,
          postedAt: index,
        }),
      );
    await expect(
      store.postCommand({
        sessionKey: "s1",
        pluginId: "goal",
        verb: "pause",
        input: {},
        sender,
        postedAt: 99,
      }),
    ).rejects.toThrow(
      `Session "s1" already has ${inboxLimits.maxPending} commands waiting for its process; wait for it to answer them.`,
    );
    // Another session's inbox is its own.
    await store.postCommand({
      sessionKey: "s2",
      pluginId: "goal",
      verb: "pause",
      input: {},
      sender,
      postedAt: 99,
    });
    const [first, second, third] = posted;
    if (!first || !second || !third) throw new Error("nothing posted");
    expect(await store.answerCommand(first.id, { reply: "ok", applied: true, at: 1_000 })).toBe(true);
    await store.postCommand({
      sessionKey: "s1",
      pluginId: "goal",
      verb: "pause",
      input: {},
      sender,
      postedAt: 1_001,
    });
    expect(await store.answerCommand(second.id, { reply: "ok", applied: true, at: 2_000 })).toBe(true);
    // An hour after the first answer, answering another drops it; the second, answered later, stays.
    expect(
      await store.answerCommand(third.id, {
        reply: "ok",
        applied: true,
        at: 1_001 + inboxLimits.keepAnsweredMs,
      }),
    ).toBe(true);
    expect(await store.getCommand(first.id)).toBeUndefined();
    expect(await store.getCommand(second.id)).toMatchObject({
      answer: { reply: "ok", applied: true, at: 2_000 },
    });
    expect((await store.listPendingCommands("s1")).length).toBe(inboxLimits.maxPending - 2);
    expect(await store.listPendingCommands("s2")).toHaveLength(1);
  });

  it("hands out copies, so callers cannot change stored values", async () => {
    store = await open();
    await store.writeState("goal", "s1", "goal", { list: [1] }, 0);
    const read = await store.readState("goal", "s1", "goal");
    (read as unknown as { value: { list: number[] } }).value.list.push(2);
    expect(await store.readState("goal", "s1", "goal")).toEqual({ value: { list: [1] }, version: 1 });
  });
});
