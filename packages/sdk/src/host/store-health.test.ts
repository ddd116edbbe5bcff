import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { owner } from "../../test/probe-plugin.js";
import { definePlugin } from "../plugin.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { createTestHost, type TestHost } from "../testing/index.js";

let running: { testHost: TestHost; store: SqliteStore; disk: DatabaseSync; directory: string } | undefined;
afterEach(async () => {
  await running?.testHost.dispose();
  await running?.store.close();
  running?.disk.close();
  if (running) rmSync(running.directory, { recursive: true, force: true });
  running = undefined;
});

/**
 * A plugin that notes each session-ready it hears; `/note-save` writes 100 KB of its state (a write that
 * needs pages of its own), `/note-later` asks for a continuation in an hour.
 */
function notingPlugin() {
  const ready: string[] = [];
  const plugin = definePlugin({
    id: "note",
    register(api) {
      api.on("session-ready", ({ reason }, context) => void ready.push(`${context.sessionKey} ${reason}`));
      api.registerCommand({
        name: "note-save",
        description: "Write 100 KB of state",
        async execute(_args, context) {
          const current = await api.state.get(context, "notes");
          await api.state.set(context, "notes", "n".repeat(100_000), {
            expectedVersion: current?.version ?? 0,
          });
          return "saved";
        },
      });
      api.registerCommand({
        name: "note-later",
        description: "Ask for a continuation in an hour",
        async execute(_args, context) {
          const result = await api.session.workflow.requestSessionContinuationLease({
            session: context,
            leaseKey: "later",
            message: "later",
            delayMs: 3_600_000,
          });
          return result.status;
        },
      });
    },
  });
  return { plugin, ready };
}

/** A host on a SQLite store that may grow to 1 MiB, and a second connection that can fill that room. */
async function hostOnSmallDisk() {
  const directory = mkdtempSync(join(tmpdir(), "goal-lease-store-health-"));
  const path = join(directory, "state.db");
  const store = SqliteStore.open(path, { maxSizeBytes: 1 << 20 });
  const disk = new DatabaseSync(path);
  disk.exec("PRAGMA busy_timeout = 2000; CREATE TABLE ballast (bytes BLOB)");
  const noting = notingPlugin();
  const testHost = await createTestHost({ store, plugins: [noting.plugin] });
  running = { testHost, store, disk, directory };
  const command = async (sessionKey: string, text: string) => {
    const result = await testHost.host.send({ sessionKey, text, sender: owner });
    return result.kind === "command" ? result.command.reply : undefined;
  };
  const fill = () => {
    const insert = disk.prepare("INSERT INTO ballast VALUES (randomblob(4000))");
    const pages = () => (disk.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
    while (pages() <= (1 << 20) / 4_096) insert.run();
  };
  return { ...testHost, ready: noting.ready, command, fill, free: () => disk.exec("DELETE FROM ballast") };
}

describe("a host whose store failed", () => {
  it("makes each idle session with nothing pending ready again at its next heartbeat, once", async () => {
    const { host, clock, ready, command, fill, free } = await hostOnSmallDisk();
    await host.openSession({ sessionKey: "idle" });
    await host.openSession({ sessionKey: "pending" });
    expect(await command("pending", "/note-later")).toBe("scheduled");
    await clock.advance(30_000);
    expect(ready).toEqual(["idle opened", "pending opened"]);

    fill();
    expect(await command("idle", "/note-save")).toMatch(/^\/note-save failed: .*database or disk is full/);
    free();
    await clock.advance(4_000);
    await host.idle();
    expect(ready).toEqual(["idle opened", "pending opened", "idle store-recovered"]);

    await clock.advance(30_000);
    await host.idle();
    expect(ready).toHaveLength(3);
  });

  it("does nothing on its heartbeats while its store has not failed", async () => {
    const { host, clock, ready } = await hostOnSmallDisk();
    await host.openSession({ sessionKey: "idle" });
    await clock.advance(60_000);
    await host.idle();
    expect(ready).toEqual(["idle opened"]);
  });
});
