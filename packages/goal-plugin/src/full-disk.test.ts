import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { HostEvent } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { createTestHost, ScriptedModel, type TestHost } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { owner } from "../test/goal-harness.js";
import { createGoalPlugin, readStoredGoal } from "./index.js";

const directories: string[] = [];
let running: { testHost: TestHost; store: SqliteStore; disk: DatabaseSync } | undefined;
afterEach(async () => {
  await running?.testHost.dispose();
  await running?.store.close();
  running?.disk.close();
  running = undefined;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/**
 * A SQLite store that may grow to 1 MiB, as on a disk of that size, and the disk's other user: a second
 * connection whose ballast takes the room left (the store's next write that needs a page fails for real,
 * SQLITE_FULL) and gives it back.
 */
function smallDisk() {
  const directory = mkdtempSync(join(tmpdir(), "goal-lease-full-disk-"));
  directories.push(directory);
  const path = join(directory, "state.db");
  const store = SqliteStore.open(path, { maxSizeBytes: 1 << 20 });
  const disk = new DatabaseSync(path);
  disk.exec("PRAGMA busy_timeout = 2000; CREATE TABLE ballast (bytes BLOB)");
  const pages = () => (disk.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
  const capPages = (1 << 20) / 4_096;
  return {
    store,
    disk,
    fill() {
      const insert = disk.prepare("INSERT INTO ballast VALUES (randomblob(4000))");
      while (pages() <= capPages) insert.run();
    },
    free() {
      disk.exec("DELETE FROM ballast");
    },
  };
}

describe("a goal whose store's disk fills up", () => {
  it("runs its next continuation once the disk is freed, exactly once, without its session being reopened", async () => {
    const { store, disk, fill, free } = smallDisk();
    const model = new ScriptedModel([
      { text: "Did the first part." },
      // The disk fills while the second continuation's model call is out: what its turn writes after fails.
      async () => {
        // The host's group of writes commits at the end of its event-loop turn; the ballast waits for it.
        await new Promise((resolve) => setImmediate(resolve));
        fill();
        return { text: "Did the second part." };
      },
      { toolCalls: [{ name: "goal_status", input: { status: "done", note: "All parts are done." } }] },
    ]);
    const testHost = await createTestHost({ model, store, plugins: [createGoalPlugin()] });
    running = { testHost, store, disk };
    const { host, clock, settle } = testHost;
    const starts: HostEvent<"turn-start">[] = [];
    host.on("turn-start", (event) => starts.push(event));
    const failures: HostEvent<"plugin-error">[] = [];
    host.on("plugin-error", (event) => failures.push(event));
    const interrupted: HostEvent<"lease-interrupted">[] = [];
    host.on("lease-interrupted", (event) => interrupted.push(event));
    await host.openSession({ sessionKey: "s1" });
    // An objective of a few KB, so the goal's record and its lease each need pages of their own to be written.
    const objective = `tidy the docs: ${"every page, every section. ".repeat(140)}`;
    await host.send({ sessionKey: "s1", text: `/goal start ${objective}`, sender: owner });
    await settle();

    // The goal's write at the second turn's end failed: it is active with nothing scheduled, and the turn,
    // not counted, is still on record as started.
    expect(failures).toMatchObject([{ pluginId: "goal", hook: "turn-end" }]);
    expect(failures[0]?.message).toMatch(/database or disk is full \(free disk space and retry\)/);
    expect(await readStoredGoal(store, "s1")).toMatchObject({ status: "active", continuations: 1 });
    expect(await store.listLeases()).toEqual([]);
    expect(await store.listStartedLeases()).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
    expect(model.requests).toHaveLength(2);

    // Heartbeats while the disk is still full: the host retries, and nothing runs twice or stops the goal.
    await clock.advance(10_000);
    await settle();
    expect(model.requests).toHaveLength(2);
    expect(await readStoredGoal(store, "s1")).toMatchObject({ status: "active" });

    free();
    const startsBefore = starts.length;
    await clock.advance(10_000);
    await settle();
    expect(model.requests).toHaveLength(3);
    expect(starts.slice(startsBefore)).toMatchObject([{ kind: "continuation", pluginId: "goal" }]);
    // The second turn counts (told to the goal as interrupted by the store's failure, not a restart's: at
    // each heartbeat until the goal's write of it went through), and the goal went on without the person.
    expect(new Set(interrupted.map((event) => event.leaseId)).size).toBe(1);
    expect(interrupted.at(-1)).toMatchObject({ sessionKey: "s1", pluginId: "goal", reason: "store_failed" });
    expect(await readStoredGoal(store, "s1")).toMatchObject({
      status: "done",
      statusReason: "All parts are done.",
      continuations: 3,
    });

    await clock.advance(60_000);
    await settle();
    expect(model.requests).toHaveLength(3);
    expect(await store.listLeases()).toEqual([]);
    expect(await store.listStartedLeases()).toEqual([]);
  });
});
