import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresStore } from "../../../test/postgres-store.js";
import type { LeaseRecord, TranscriptEntry } from "../store.js";
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
});
