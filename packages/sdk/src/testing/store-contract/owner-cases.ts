import assert from "node:assert/strict";
import type { AcquireResult, Fence, HostStore, WriteOptions } from "../../store/store.js";
import { refusedAsOwned, same, sorted } from "./checks.js";
import { command, entry, lease } from "./records.js";
import type { StoreCase } from "./store-case.js";

/** The fence of an `acquired` result; fails on any other. */
function fenceOf(result: AcquireResult | undefined, what: string): Fence {
  if (result?.status !== "acquired") assert.fail(`${what}: expected acquired, got ${JSON.stringify(result)}`);
  return result.fence;
}

const session = { sessionKey: "s1", agentId: "main", channel: "cli", generation: 1, createdAt: 1 };

/** Every write that names a session, with options: each must be refused for a writer that is not its owner. */
const fencedWrites: [
  string,
  (store: HostStore, options: WriteOptions, commandId: string) => Promise<unknown>,
][] = [
  ["putSession", (store, options) => store.putSession({ ...session, generation: 2 }, options)],
  ["appendTranscript", (store, options) => store.appendTranscript("s1", [entry("t9", "late")], options)],
  ["writeState", (store, options) => store.writeState("goal", "s1", "goal", { n: 2 }, 1, options)],
  ["deleteState", (store, options) => store.deleteState("goal", "s1", "goal", options)],
  ["appendLog", (store, options) => store.appendLog("goal", "s1", "goal", [{ late: true }], options)],
  ["putLease", (store, options) => store.putLease(lease({ id: "lease-3" }), options)],
  ["deleteLease", (store, options) => store.deleteLease(lease(), undefined, options)],
  ["deleteSessionLeases", (store, options) => store.deleteSessionLeases("s1", options)],
  ["claimLease", (store, options) => store.claimLease(lease(), "lease-1", options)],
  ["finishLease", (store, options) => store.finishLease("lease-2", options)],
  [
    "answerCommand",
    (store, options, commandId) =>
      store.answerCommand(commandId, { reply: "late", applied: true, at: 5 }, options),
  ],
];

/** Session ownership: one live owner, tokens that fence writes, and the sessions whose owner is gone. */
export const ownerCases: readonly StoreCase[] = [
  {
    name: "gives a session one live owner: a new owner gets a larger token, a live owner's claim holds",
    async run(store) {
      const window = (now: number) => ({ now, ttlMs: 100 });
      const [first, second] = await store.acquireSessions(["s1", "s2"], "a", window(0));
      const fence = fenceOf(first, "a free session");
      same(fence.ownerId, "a", "the fence's owner");
      assert.equal(typeof fence.token, "number", "the fence's token");
      same(first, { status: "acquired", fence }, "taking a session nobody held: no previous owner");
      same(fenceOf(second, "a second free session").ownerId, "a", "the second session's owner");
      same(
        (await store.listOwners()).filter((owner) => owner.sessionKey === "s1"),
        [{ sessionKey: "s1", ownerId: "a", token: fence.token, expiresAt: 100 }],
        "s1's owner, live until now + ttlMs",
      );
      same(
        await store.acquireSessions(["s1"], "b", window(50)),
        [{ status: "held", owner: { sessionKey: "s1", ownerId: "a", token: fence.token, expiresAt: 100 } }],
        "another owner asking while the owner is live",
      );
      same(
        await store.acquireSessions(["s1"], "a", window(50)),
        [{ status: "acquired", fence }],
        "the owner asking again: renewed, the same token",
      );
      same(sorted(await store.renewSessions("a", window(100))), ["s1", "s2"], "the owner's renewal");
      same(
        (await store.acquireSessions(["s1"], "b", window(199)))[0]?.status,
        "held",
        "another owner asking before the renewed claim expires",
      );
      const [taken] = await store.acquireSessions(["s1"], "b", window(200));
      const next = fenceOf(taken, "a session whose owner expired");
      assert.ok(
        next.token > fence.token,
        `the new owner's token (${next.token}) is larger than ${fence.token}`,
      );
      same(
        taken,
        {
          status: "acquired",
          fence: next,
          previous: { sessionKey: "s1", ownerId: "a", token: fence.token, expiresAt: 200 },
        },
        "taking a session whose owner expired: the previous owner",
      );
      same(await store.renewSessions("a", window(210)), ["s2"], "the sessions the first owner still holds");
      await store.releaseSessions("a", ["s2"]);
      same(
        (await store.listOwners())
          .filter((owner) => owner.sessionKey === "s2")
          .map((owner) => owner.expiresAt),
        [0],
        "a released claim's expiry",
      );
      const [released] = await store.acquireSessions(["s2"], "b", window(211));
      same(
        released?.status === "acquired" && released.previous?.ownerId,
        "a",
        "taking a released session at once: the previous owner",
      );
      await store.releaseSessions("b");
      same(await store.renewSessions("b", window(212)), [], "the sessions of an owner that released all");
      same(
        (await store.acquireSessions(["s1", "s2"], "c", window(212))).map((result) => result.status),
        ["acquired", "acquired"],
        "sessions whose owner released all",
      );
      const twice = await store.acquireSessions(["s3", "s3"], "c", window(213));
      same(
        twice.map((result) => result.status === "acquired" && result.fence.token),
        [fenceOf(twice[0], "s3").token, fenceOf(twice[0], "s3").token],
        "one key twice in one call: one result each, the same token",
      );
      const [takenOver, askedAgain] = await store.acquireSessions(["s1", "s1"], "d", window(1_000));
      const takenFence = fenceOf(takenOver, "s1 after its owner expired");
      same(
        takenOver?.status === "acquired" && takenOver.previous?.ownerId,
        "c",
        "a key taken over, asked twice: the first result names the previous owner",
      );
      same(
        askedAgain?.status === "acquired" && askedAgain.fence,
        takenFence,
        "a key taken over, asked twice: the second gets the same fence",
      );
      const owner = { sessionKey: "s1", ownerId: "d", token: takenFence.token, expiresAt: 1_100 };
      same(
        await store.acquireSessions(["s1", "s1"], "e", window(1_001)),
        [
          { status: "held", owner },
          { status: "held", owner },
        ],
        "a key held by a live owner, asked twice: held both times",
      );
    },
  },
  {
    name: "applies a fenced write only for the session's owner: a stale fence, or a fence field present but undefined, is refused and writes nothing",
    async run(store) {
      const stale = fenceOf(
        (await store.acquireSessions(["s1"], "a", { now: 0, ttlMs: 100 }))[0],
        "s1 for a",
      );
      const current = fenceOf(
        (await store.acquireSessions(["s1"], "b", { now: 100, ttlMs: 100 }))[0],
        "s1 for b",
      );
      const owner = { fence: current };
      await store.putSession(session, owner);
      await store.writeState("goal", "s1", "goal", { n: 1 }, 0, { ...owner, log: [{ n: 1 }] });
      await store.putLease(lease(), owner);
      await store.putLease(lease({ id: "lease-2", leaseKey: "other" }), owner);
      await store.claimLease(lease({ leaseKey: "other" }), "lease-2", owner);
      const posted = await store.postCommand(command("s1", 1));

      for (const [name, write] of fencedWrites) {
        await refusedAsOwned(() => write(store, { fence: stale }, posted.id), `${name} with a stale fence`);
        await refusedAsOwned(
          () => write(store, { fence: undefined }, posted.id),
          `${name} with { fence: undefined } (a writer that lost its claim)`,
        );
      }
      same(await store.getSession("s1"), session, "the session after refused writes");
      same(
        await store.readTranscript("s1", { generation: 1, limit: 10 }),
        [],
        "the transcript after refused writes",
      );
      same(
        await store.readState("goal", "s1", "goal"),
        { value: { n: 1 }, version: 1 },
        "the state after refused writes",
      );
      same(
        await store.readLog("goal", "s1", "goal", { limit: 10 }),
        [{ n: 1 }],
        "the log after refused writes",
      );
      same(await store.getLease(lease()), lease(), "the pending lease after refused writes");
      same(
        await store.listStartedLeases(),
        [lease({ id: "lease-2", leaseKey: "other" })],
        "the started lease after refused writes",
      );
      same((await store.getCommand(posted.id))?.answer, undefined, "the command after refused answers");

      // The owner's writes apply; so does a write without the field (a process with the store to itself).
      same(
        await store.writeState("goal", "s1", "goal", { n: 2 }, 1, owner),
        { status: "written", version: 2 },
        "the owner's write",
      );
      await store.finishLease("lease-2", owner);
      same(await store.listStartedLeases(), [], "the started leases after the owner finished one");
      same(
        await store.answerCommand(posted.id, { reply: "ok", applied: true, at: 2 }, owner),
        true,
        "the owner's answer",
      );
      await store.appendTranscript("s1", [entry("t1", "unfenced")], {});
      await store.appendTranscript("s1", [entry("t2", "unfenced")]);
      same(
        (await store.readTranscript("s1", { generation: 1, limit: 10 })).map((item) => item.turnId),
        ["t1", "t2"],
        "unfenced appends: options without the fence field, and no options",
      );
    },
  },
  {
    name: "lists as orphaned the sessions with work whose owner is gone: pending or started leases, unanswered commands",
    async run(store) {
      await store.putLease(lease());
      same(await store.listOrphanedSessions(0), ["s1"], "a session with a lease and no owner");
      await store.acquireSessions(["s1"], "a", { now: 0, ttlMs: 100 });
      await store.putLease(lease({ id: "lease-2", sessionKey: "s2" }));
      await store.claimLease(lease({ sessionKey: "s2" }), "lease-2");
      const posted = await store.postCommand(command("s3", 1));
      await store.putSession({ ...session, sessionKey: "s4" });
      same(sorted(await store.listOrphanedSessions(99)), ["s2", "s3"], "while s1's owner is live");
      same(sorted(await store.listOrphanedSessions(100)), ["s1", "s2", "s3"], "once s1's owner expired");
      await store.answerCommand(posted.id, { reply: "ok", applied: true, at: 2 });
      same(sorted(await store.listOrphanedSessions(50)), ["s2"], "once s3's command is answered");
      await store.releaseSessions("a", ["s1"]);
      same(sorted(await store.listOrphanedSessions(50)), ["s1", "s2"], "once s1's owner released it");
      await store.finishLease("lease-2");
      await store.deleteLease(lease());
      same(await store.listOrphanedSessions(50), [], "once no session has work");
    },
  },
];
