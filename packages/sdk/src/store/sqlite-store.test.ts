import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../errors.js";
import { defaultStorePath } from "./default-store-path.js";
import { currentSchemaVersion } from "./sqlite-schema.js";
import { SqliteStore } from "./sqlite-store.js";

const fixtures = new URL("../../test/fixtures/sqlite/", import.meta.url).pathname;
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

  it("names the default path and honours GOAL_LEASE_STATE", () => {
    expect(defaultStorePath({})).toMatch(/\.goal-lease\/state\.db$/);
    expect(defaultStorePath({ GOAL_LEASE_STATE: "/tmp/elsewhere.db" })).toBe("/tmp/elsewhere.db");
  });
});
