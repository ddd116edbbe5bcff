import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresStore } from "../../../test/postgres-store.js";
import type { LeaseRecord, TranscriptEntry } from "../store.js";
import type { PostgresStore } from "./postgres-store.js";

/** Statements sent by this file's stores, by their first words. */
const sent: string[] = [];
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function counted(
  this: unknown,
  ...args: unknown[]
) {
  const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string } | undefined)?.text;
  sent.push(String(text));
  return query.apply(this, args);
};
const reads = (table: string) => sent.filter((text) => new RegExp(`(FROM|JOIN) ${table} `).test(text)).length;

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

const entry = (generation: number, index: number): TranscriptEntry => ({
  generation,
  turnId: `t${index}`,
  at: index,
  message: { role: "user", origin: "user", content: `message ${index}` },
});

const lease = (sessionKey: string, id: string, dueAt: number): LeaseRecord => ({
  id,
  pluginId: "p",
  sessionKey,
  leaseKey: id,
  message: "go on",
  createdAt: 0,
  dueAt,
  generation: 1,
});

describe("PostgreSQL reads of many sessions at once", () => {
  it("go together while one is on its way, and each caller gets its own session's records", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const keys = Array.from({ length: 30 }, (_, index) => `s${index}`);
    for (const [index, sessionKey] of keys.entries()) {
      if (index % 3 === 0) continue; // every third session is not stored at all
      await store.putSession({
        sessionKey,
        agentId: `agent-${index}`,
        channel: "cli",
        generation: 2,
        createdAt: index,
      });
      await store.appendTranscript(sessionKey, [
        entry(1, 0),
        ...[1, 2, 3, 4].map((at) => entry(2, index * 10 + at)),
      ]);
      await store.writeState("p", sessionKey, "goal", { index }, 0);
      await store.putLease(lease(sessionKey, `late-${index}`, 20));
      await store.putLease(lease(sessionKey, `early-${index}`, 10));
      await store.postCommand({
        sessionKey,
        pluginId: "p",
        verb: "pause",
        input: { index },
        sender: { id: "u", isOwner: true },
        postedAt: index,
      });
    }
    sent.length = 0;
    const [sessions, windows, states, leases, commands] = await Promise.all([
      Promise.all(keys.map((sessionKey) => store.getSession(sessionKey))),
      // Each asks a window of its own size.
      Promise.all(
        keys.map((sessionKey, index) =>
          store.readTranscript(sessionKey, { generation: 2, limit: index % 4 }),
        ),
      ),
      Promise.all(keys.map((sessionKey) => store.readState("p", sessionKey, "goal"))),
      Promise.all(keys.map((sessionKey) => store.listLeases(sessionKey))),
      Promise.all(keys.map((sessionKey) => store.listPendingCommands(sessionKey))),
    ]);
    // The first read of each kind goes alone; the 29 asked while it was on its way go together.
    for (const table of ["sessions", "transcript", "plugin_state", "leases", "session_inbox"])
      expect(reads(table), table).toBe(2);
    for (const [index, sessionKey] of keys.entries()) {
      const stored = index % 3 !== 0;
      expect(sessions[index]?.agentId).toBe(stored ? `agent-${index}` : undefined);
      const window = stored ? [1, 2, 3, 4].slice(4 - (index % 4)).map((at) => `t${index * 10 + at}`) : [];
      expect(windows[index]?.map((written) => written.turnId)).toEqual(window);
      expect(states[index]).toEqual(stored ? { value: { index }, version: 1 } : undefined);
      expect(leases[index]?.map((pending) => pending.id)).toEqual(
        stored ? [`early-${index}`, `late-${index}`] : [],
      );
      expect(leases[index]?.every((pending) => pending.sessionKey === sessionKey)).toBe(true);
      expect(commands[index]?.map((command) => command.input)).toEqual(stored ? [{ index }] : []);
    }
  });

  it("never go before they are asked: a read after a write answered sees it", async () => {
    const store = await freshPostgresStore();
    stores.push(store);
    const first = store.readState("p", "s1", "goal");
    // Asked while the first read is on its way, after this write answered.
    await store.writeState("p", "s1", "goal", "written", 0);
    const second = store.readState("p", "s1", "goal");
    expect(await first).toBeUndefined();
    expect(await second).toEqual({ value: "written", version: 1 });
  });
});
