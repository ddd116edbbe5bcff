import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../errors.js";
import { defaultStoreLocation, describeStore } from "../open-store.js";
import { allValues } from "./sqlite-connection.js";
import { currentSchemaVersion } from "./sqlite-schema.js";
import { SqliteStore } from "./sqlite-store.js";

const fixtures = new URL("../../../test/fixtures/sqlite/", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "goal-lease-sqlite-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A writable copy of a fixture, so tests never change the committed file. */
function copyOf(fixture: string): string {
  const path = join(directory, `${Math.random().toString(36).slice(2)}-${fixture.replace("/", "-")}`);
  copyFileSync(join(fixtures, fixture), path);
  return path;
}

describe("SqliteStore formats", () => {
  it.each(Array.from({ length: currentSchemaVersion }, (_, index) => `historical/v${index + 1}.db`))(
    "opens the %s fixture and reads its data",
    async (fixture) => {
      const store = SqliteStore.open(copyOf(fixture));
      expect(await store.getSession("chat-1")).toMatchObject({ agentId: "main", generation: 1 });
      expect(await store.readTranscript("chat-1", { generation: 1, limit: 10 })).toHaveLength(2);
      expect(await store.readState("goal", "chat-1", "goal")).toMatchObject({ version: 1 });
      expect(await store.listLeases()).toMatchObject([{ id: "lease-fixture", dueAt: 1_767_225_660_003 }]);
      // Logs came with version 3; an older file migrated to it has an empty one, and takes appends.
      const version = Number(/v(\d+)\.db$/.exec(fixture)?.[1]);
      expect(await store.readLog("goal", "chat-1", "goal", { limit: 10 })).toHaveLength(version >= 3 ? 1 : 0);
      // Commands became data in version 4: one posted earlier as chat text is answered, not applied.
      expect(await store.listPendingCommands()).toMatchObject(
        version >= 4 ? [{ pluginId: "goal", verb: "pause", input: {} }] : [],
      );
      await store.appendLog("goal", "chat-1", "goal", [{ type: "later" }]);
      expect((await store.readLog("goal", "chat-1", "goal", { limit: 1 }))[0]).toEqual({ type: "later" });
      await store.close();
    },
  );

  it.each([
    [
      "negative/future-version.db",
      new RegExp(
        `schema version ${currentSchemaVersion + 98}, newer than this goal-lease reads \\(${currentSchemaVersion}\\); upgrade goal-lease`,
      ),
    ],
    ["negative/foreign.db", /is an SQLite database but not a goal-lease store/],
    ["negative/not-a-database.db", /is not a readable goal-lease store .*left untouched: move it aside/],
  ])("refuses %s with a one-line error naming the file, and leaves it untouched", (fixture, message) => {
    const path = copyOf(fixture);
    const before = readFileSync(path);
    let error: unknown;
    try {
      SqliteStore.open(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).not.toContain("\n");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("keeps data across close and reopen", async () => {
    const path = join(directory, "reopen.db");
    const first = SqliteStore.open(path);
    await first.writeState("goal", "s1", "goal", { kept: true }, 0);
    await first.close();
    const second = SqliteStore.open(path);
    expect(await second.readState("goal", "s1", "goal")).toEqual({ value: { kept: true }, version: 1 });
    await second.close();
  });
});

describe("SqliteStore rows read as arrays", () => {
  it("gives each row's values in the order selected, and leaves the statement giving objects", () => {
    const db = new DatabaseSync(":memory:");
    db.exec(
      "CREATE TABLE t (a TEXT, b INTEGER, c INTEGER); INSERT INTO t VALUES ('x', 1, NULL), ('y', 2, 3)",
    );
    const statement = db.prepare("SELECT c, a, b FROM t WHERE b >= ? ORDER BY a");
    expect(allValues(statement, 1)).toEqual([
      [null, "x", 1],
      [3, "y", 2],
    ]);
    expect(statement.get(2)).toEqual({ c: 3, a: "y", b: 2 });
    // A Node without arrays: the objects' values, in the same order.
    const objects = { all: statement.all.bind(statement) } as unknown as typeof statement;
    expect(allValues(objects, 1)).toEqual([
      [null, "x", 1],
      [3, "y", 2],
    ]);
    db.close();
  });
});

describe("SqliteStore handles on one file in one process", () => {
  it("share one connection, so a write through one never waits on the other's open group", async () => {
    const path = join(directory, "two-handles.db");
    const first = SqliteStore.open(path, { busyTimeoutMs: 20 });
    const second = SqliteStore.open(path, { busyTimeoutMs: 20 });
    // In one event-loop turn: with a connection each, the second BEGIN would wait on the first's open
    // transaction, which cannot commit until this turn ends, and fail as locked.
    const writes = await Promise.all([
      first.writeState("goal", "s1", "goal", "from the first", 0),
      second.writeState("goal", "s2", "goal", "from the second", 0),
      first.postCommand({
        sessionKey: "s1",
        pluginId: "goal",
        verb: "pause",
        input: {},
        sender: { id: "cli", isOwner: true },
        postedAt: 1,
      }),
    ]);
    expect(writes.slice(0, 2)).toEqual([
      { status: "written", version: 1 },
      { status: "written", version: 1 },
    ]);
    expect(await second.readState("goal", "s1", "goal")).toEqual({ value: "from the first", version: 1 });
    await first.close();
    // The other handle goes on; the closed one refuses, in one line.
    expect(await second.readState("goal", "s2", "goal")).toEqual({ value: "from the second", version: 1 });
    await expect(first.readState("goal", "s1", "goal")).rejects.toThrow(/the store is closed; open it again/);
    await second.close();
    const reopened = SqliteStore.open(path);
    expect(await reopened.listPendingCommands()).toMatchObject([
      { pluginId: "goal", verb: "pause", input: {} },
    ]);
    await reopened.close();
  });
});

describe("SqliteStore failures", () => {
  it("reports a locked file by name instead of waiting forever", async () => {
    const path = join(directory, "locked.db");
    const store = SqliteStore.open(path, { busyTimeoutMs: 20 });
    const other = new DatabaseSync(path);
    other.exec("BEGIN EXCLUSIVE");
    await expect(store.writeState("goal", "s1", "goal", 1, 0)).rejects.toThrow(
      new RegExp(`${path}: database is locked .*another process holds the file`),
    );
    other.exec("ROLLBACK");
    other.close();
    expect(await store.writeState("goal", "s1", "goal", 1, 0)).toEqual({ status: "written", version: 1 });
    await store.close();
  });

  it("reports a full disk by name and keeps what was committed", async () => {
    const store = SqliteStore.open(join(directory, "full.db"), { maxSizeBytes: 64 * 1024 });
    await store.writeState("goal", "s1", "small", 1, 0);
    await expect(store.writeState("goal", "s1", "big", "x".repeat(200_000), 0)).rejects.toThrow(
      /full\.db: database or disk is full \(free disk space and retry\)\.$/,
    );
    expect(await store.readState("goal", "s1", "small")).toEqual({ value: 1, version: 1 });
    expect(await store.readState("goal", "s1", "big")).toBeUndefined();
    await store.close();
  });

  it("refuses to write, in one line, once its file was deleted or replaced", async () => {
    const path = join(directory, "deleted.db");
    const store = SqliteStore.open(path);
    await store.writeState("goal", "s1", "goal", 1, 0);
    rmSync(path);
    await expect(store.writeState("goal", "s1", "goal", 2, 1)).rejects.toThrow(
      new RegExp(`^${path} was deleted or replaced while goal-lease had it open; nothing was written`),
    );
    await store.close();
  });

  it("makes a new store's folder and file for their user alone, and leaves an existing file's mode", async () => {
    const folder = join(directory, "private", "nested");
    const path = join(folder, "state.db");
    const store = SqliteStore.open(path);
    await store.close();
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    chmodSync(path, 0o640);
    await SqliteStore.open(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it("says in one line when a store path cannot be used", () => {
    const file = join(directory, "a-file");
    writeFileSync(file, "x");
    expect(() => SqliteStore.open(join(file, "state.db"))).toThrow(
      new RegExp(
        `^${file}/state\\.db cannot be created \\(EEXIST\\): its folder is missing, not a folder, or not writable; pass another store path\\.$`,
      ),
    );
  });

  it("says to call SqliteStore.open when JavaScript calls its constructor", () => {
    const construct = SqliteStore as unknown as new (options: object) => SqliteStore;
    expect(() => new construct({ path: join(directory, "x.db") })).toThrow(
      /^Open a store with SqliteStore\.open\(path\), not new SqliteStore\(\.\.\.\)\.$/,
    );
  });

  it("names the default store, and honours GOAL_LEASE_STORE, then the older GOAL_LEASE_STATE", () => {
    expect(defaultStoreLocation({})).toMatch(/\.goal-lease\/state\.db$/);
    expect(defaultStoreLocation({ GOAL_LEASE_STATE: "/tmp/elsewhere.db" })).toBe("/tmp/elsewhere.db");
    const url = "postgres://u@db:5432/goals";
    expect(defaultStoreLocation({ GOAL_LEASE_STORE: url, GOAL_LEASE_STATE: "/tmp/x.db" })).toBe(url);
    expect(describeStore("postgres://u:secret@db:5432/goals")).toBe("PostgreSQL at db:5432/goals");
  });
});

describe("SqliteStore group commit", () => {
  it("answers a write only once another connection can read it, one event-loop turn's writes together", async () => {
    const path = join(directory, "group.db");
    const writer = SqliteStore.open(path);
    // A connection of its own, as another process has (writable stores in one process share one).
    const reader = SqliteStore.open(path, { readOnly: true });
    const writes = Array.from({ length: 50 }, (_, index) =>
      writer.writeState("p", "s1", `k${index}`, index, 0),
    );
    // Begun, not committed: another process sees none of them yet.
    expect(await reader.readState("p", "s1", "k0")).toBeUndefined();
    expect(await Promise.all(writes)).toEqual(writes.map(() => ({ status: "written", version: 1 })));
    expect(await reader.readState("p", "s1", "k49")).toEqual({ value: 49, version: 1 });
    await Promise.all([writer.close(), reader.close()]);
  });

  it("lets one write of a group fail alone: the others commit", async () => {
    const store = SqliteStore.open(join(directory, "group-fence.db"));
    const [acquired] = await store.acquireSessions(["s1"], "me", { now: 0, ttlMs: 60_000 });
    if (acquired?.status !== "acquired") throw new Error("not acquired");
    const good = store.writeState("p", "s1", "a", 1, 0, { fence: acquired.fence });
    const stale = store.writeState("p", "s1", "b", 1, 0, { fence: { ownerId: "gone", token: 1 } });
    const conflicting = store.writeState("p", "s1", "a", 2, 0, { fence: acquired.fence });
    await expect(stale).rejects.toThrow();
    expect(await good).toEqual({ status: "written", version: 1 });
    expect(await conflicting).toMatchObject({ status: "conflict" });
    expect(await store.readState("p", "s1", "a")).toEqual({ value: 1, version: 1 });
    expect(await store.readState("p", "s1", "b")).toBeUndefined();
    await store.close();
  });

  it("fails every write of a group the disk could not take, and keeps what was committed before", async () => {
    const store = SqliteStore.open(join(directory, "group-full.db"), { maxSizeBytes: 64 * 1024 });
    await store.writeState("p", "s1", "small", 1, 0);
    const before = store.writeState("p", "s1", "before", 1, 0);
    const big = store.writeState("p", "s1", "big", "x".repeat(200_000), 0);
    await expect(big).rejects.toThrow(/database or disk is full/);
    await expect(before).rejects.toThrow(/database or disk is full/);
    expect(await store.readState("p", "s1", "small")).toEqual({ value: 1, version: 1 });
    expect(await store.readState("p", "s1", "before")).toBeUndefined();
    expect(await store.writeState("p", "s1", "after", 1, 0)).toEqual({ status: "written", version: 1 });
    await store.close();
  });
});
