import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "./sqlite-store.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-wal-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the WAL of a SQLite store", () => {
  it("is copied into the file by a thread of its own, never inside a commit, and removed at close", async () => {
    const path = join(directory, "state.db");
    const store = SqliteStore.open(path);
    const fileBefore = statSync(path).size;
    const message = "x".repeat(4_000);
    for (let index = 0; index < 200; index++) {
      await store.putLease({
        pluginId: "goal",
        sessionKey: `s${index}`,
        leaseKey: "goal.1",
        id: `lease-${index}`,
        message,
        createdAt: 0,
        dueAt: 1,
        generation: 1,
      });
    }
    // Committed, and still only in the WAL: no commit checkpointed it.
    expect(statSync(path).size).toBe(fileBefore);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(200 * 4_000);

    // Within a second or so of the commits, the thread copied the pages into the file.
    for (let waited = 0; statSync(path).size === fileBefore && waited < 20_000; waited += 50) await sleep(50);
    expect(statSync(path).size).toBeGreaterThan(200 * 4_000);
    expect(await store.listLeases()).toHaveLength(200);

    // The thread's connection closes first, so the store's own close is the file's last: the WAL goes.
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = SqliteStore.open(path);
    expect(await reopened.listLeases()).toHaveLength(200);
    await reopened.close();
  });

  it("lets a program that closed its store end: the close waits for the thread, which never holds the process", async () => {
    // The built store, as a program loads it (the run's global setup builds dist first).
    const program = `
      import { SqliteStore } from "@goal-lease/sdk/sqlite";
      const store = SqliteStore.open(process.argv[1]);
      await store.appendTranscript("s1", [{ generation: 1, turnId: "t", at: 0, message: { role: "user", origin: "user", content: "hi" } }]);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      await store.close();
      console.log("closed");
    `;
    const path = join(directory, "program.db");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", program, path],
      { cwd: fileURLToPath(new URL("../../..", import.meta.url)), encoding: "utf8" },
    );
    expect(stdout.trim()).toBe("closed");
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
