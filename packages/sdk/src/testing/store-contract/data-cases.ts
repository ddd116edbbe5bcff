import assert from "node:assert/strict";
import { same } from "./checks.js";
import { entry } from "./records.js";
import type { StoreCase } from "./store-case.js";

/** Sessions, transcripts, plugin state and its logs. */
export const dataCases: readonly StoreCase[] = [
  {
    name: "stores, updates and lists sessions",
    async run(store) {
      same(await store.getSession("s1"), undefined, "a session never put");
      const session = { sessionKey: "s1", agentId: "main", channel: "cli", generation: 1, createdAt: 10 };
      await store.putSession(session);
      await store.putSession({ ...session, generation: 2, closedAt: 20 });
      same(await store.getSession("s1"), { ...session, generation: 2, closedAt: 20 }, "the session, updated");
      same(
        (await store.listSessions()).map((listed) => listed.sessionKey),
        ["s1"],
        "listSessions after two puts of one session",
      );
      await store.putSession({ ...session, sessionKey: "s2", createdAt: 30 });
      // Put last, created first.
      await store.putSession({ ...session, sessionKey: "s0", createdAt: 5 });
      same(
        (await store.listSessions()).map((listed) => listed.sessionKey),
        ["s0", "s1", "s2"],
        "listSessions, oldest first",
      );
      same(
        (await store.listSessions({ ordered: false })).map((listed) => listed.sessionKey).sort(),
        ["s0", "s1", "s2"],
        "listSessions in any order: every session",
      );
    },
  },
  {
    name: "reads the last entries of one generation, oldest first, and keeps lease ids",
    async run(store) {
      await store.appendTranscript("s1", [entry("t1", "a"), entry("t1", "b"), entry("t2", "c", 2)]);
      await store.appendTranscript("s1", [{ ...entry("t3", "d"), leaseId: "lease-9" }]);
      await store.appendTranscript("s2", [entry("t4", "other session")]);
      const window = await store.readTranscript("s1", { generation: 1, limit: 2 });
      same(
        window.map((item) => item.message.role === "user" && item.message.content),
        ["b", "d"],
        "the last 2 entries of generation 1",
      );
      same(window[1], { ...entry("t3", "d"), leaseId: "lease-9" }, "an entry with its lease id");
      same(window[0], entry("t1", "b"), "an entry without a lease id");
      assert.equal(
        (await store.readTranscript("s1", { generation: 2, limit: 10 })).length,
        1,
        "generation 2",
      );
      same(await store.readTranscript("s1", { generation: 1, limit: 0 }), [], "a window of 0 entries");
      same(
        await store.readTranscript("s3", { generation: 1, limit: 10 }),
        [],
        "a session with no transcript",
      );
    },
  },
  {
    name: "writes plugin state with compare-and-set versions",
    async run(store) {
      same(
        await store.writeState("goal", "s1", "goal", { n: 1 }, 0),
        { status: "written", version: 1 },
        "a first write, expecting version 0",
      );
      same(
        await store.writeState("goal", "s1", "goal", { n: 2 }, 0),
        { status: "conflict", current: { value: { n: 1 }, version: 1 } },
        "a write expecting version 0 once there is a value",
      );
      same(
        await store.writeState("goal", "s1", "goal", { n: 2 }, 1),
        { status: "written", version: 2 },
        "a write expecting the current version",
      );
      same(await store.readState("goal", "s1", "goal"), { value: { n: 2 }, version: 2 }, "the value written");
      same(await store.readState("goal", "s2", "goal"), undefined, "the same key in another session");
      same(await store.readState("other", "s1", "goal"), undefined, "the same key of another plugin");
      same(await store.deleteState("goal", "s1", "goal"), true, "deleting a value");
      same(await store.deleteState("goal", "s1", "goal"), false, "deleting a value twice");
      same(
        await store.writeState("goal", "s1", "goal", null, 0),
        { status: "written", version: 1 },
        "writing null after a delete, expecting version 0",
      );
      same(await store.readState("goal", "s1", "goal"), { value: null, version: 1 }, "a null value");
    },
  },
  {
    name: "keeps a plugin log beside its state: appended with a write that lands, read only when asked",
    async run(store) {
      await store.appendLog("goal", "s1", "goal", [{ n: 1 }, { n: 2 }]);
      same(await store.readState("goal", "s1", "goal"), undefined, "a log without a value");
      await store.writeState("goal", "s1", "goal", { v: 1 }, 0, { log: [{ n: 3 }] });
      // A write that loses the compare-and-set appends nothing.
      await store.writeState("goal", "s1", "goal", { v: 9 }, 0, { log: [{ n: 99 }] });
      same(
        await store.readLog("goal", "s1", "goal", { limit: 10 }),
        [{ n: 1 }, { n: 2 }, { n: 3 }],
        "the log",
      );
      same(
        await store.readLog("goal", "s1", "goal", { limit: 2 }),
        [{ n: 2 }, { n: 3 }],
        "its last 2 entries",
      );
      same(await store.readLog("goal", "s1", "goal", { limit: 0 }), [], "0 entries of it");
      same(await store.readLog("goal", "s2", "goal", { limit: 10 }), [], "the same key in another session");
      same(await store.readLog("other", "s1", "goal", { limit: 10 }), [], "the same key of another plugin");
      const copy = await store.readLog("goal", "s1", "goal", { limit: 1 });
      (copy[0] as { n: number }).n = 42;
      same(
        await store.readLog("goal", "s1", "goal", { limit: 1 }),
        [{ n: 3 }],
        "the log after a caller changed a copy",
      );
      await store.deleteState("goal", "s1", "goal");
      same(await store.readLog("goal", "s1", "goal", { limit: 10 }), [], "the log once its value is deleted");
    },
  },
  {
    name: "keeps the last 1,000 entries of a log",
    async run(store) {
      for (let batch = 0; batch < 11; batch++) {
        const entries = Array.from({ length: 100 }, (_, index) => batch * 100 + index);
        await store.appendLog("goal", "s1", "goal", entries);
      }
      const kept = await store.readLog("goal", "s1", "goal", { limit: 5_000 });
      assert.equal(kept.length, 1_000, "entries kept of 1,100 appended");
      same([kept[0], kept.at(-1)], [100, 1_099], "the first and last entries kept");
    },
  },
  {
    name: "hands out copies, so callers cannot change stored values",
    async run(store) {
      await store.writeState("goal", "s1", "goal", { list: [1] }, 0);
      const read = await store.readState("goal", "s1", "goal");
      (read as unknown as { value: { list: number[] } }).value.list.push(2);
      same(
        await store.readState("goal", "s1", "goal"),
        { value: { list: [1] }, version: 1 },
        "after a caller changed a copy",
      );
    },
  },
];
