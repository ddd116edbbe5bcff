import { refusedWith, same, sorted } from "./checks.js";
import { entry, lease } from "./records.js";
import type { StoreCase } from "./store-case.js";

/** Pending leases, conditional puts, and the claim that moves a lease to the started set. */
export const leaseCases: readonly StoreCase[] = [
  {
    name: "keeps one pending lease per slot and reports what it replaced",
    async run(store) {
      same(await store.putLease(lease()), { replaced: undefined }, "a lease in an empty slot");
      same(
        await store.putLease(lease({ id: "lease-2", message: "newer" })),
        { replaced: lease() },
        "a lease in the same slot",
      );
      await store.putLease(lease({ id: "lease-3", leaseKey: "other" }));
      await store.putLease(lease({ id: "lease-4", sessionKey: "s2" }));
      same(await store.getLease(lease()), lease({ id: "lease-2", message: "newer" }), "the slot's lease");
      same((await store.listLeases()).length, 3, "pending leases in 3 slots");
      same(
        await store.deleteLease(lease(), "lease-1"),
        undefined,
        "deleting a lease the slot no longer holds",
      );
      same(
        sorted((await store.deleteSessionLeases("s1")).map((item) => item.id)),
        ["lease-2", "lease-3"],
        "deleting a session's leases",
      );
      same(await store.listLeases(), [lease({ id: "lease-4", sessionKey: "s2" })], "the lease left");
      same(
        await store.deleteLease(lease({ sessionKey: "s2" })),
        lease({ id: "lease-4", sessionKey: "s2" }),
        "deleting a slot's lease, whichever it is",
      );
      same(await store.listLeases(), [], "no lease left");
    },
  },
  {
    name: "puts a lease only while the plugin's state in its session is at the version it names",
    async run(store) {
      const ifState = (version: number) => ({ ifState: { key: "goal", version } });
      same(
        await store.putLease(lease(), ifState(1)),
        { conflict: { version: 0 } },
        "a lease conditional on version 1 of a key never written",
      );
      same(await store.getLease(lease()), undefined, "the slot after a refused put");
      same(
        await store.putLease(lease(), ifState(0)),
        { replaced: undefined },
        "conditional on version 0 (absent)",
      );
      await store.writeState("goal", "s1", "goal", { status: "active" }, 0);
      same(
        await store.putLease(lease({ id: "lease-2" }), ifState(0)),
        { conflict: { version: 1 } },
        "conditional on a version the state has left",
      );
      same(await store.getLease(lease()), lease(), "the slot after a refused put");
      same(
        await store.putLease(lease({ id: "lease-2" }), ifState(1)),
        { replaced: lease() },
        "conditional on the state's version",
      );
      // The condition is on the lease's own plugin and session.
      await store.writeState("other", "s2", "goal", 1, 0);
      same(
        await store.putLease(lease({ id: "lease-3", sessionKey: "s2" }), ifState(0)),
        { replaced: undefined },
        "conditional on version 0 while another plugin's state in the session has version 1",
      );
    },
  },
  {
    name: "claims a lease once, moving it to the started set until finished",
    async run(store) {
      await store.putLease(lease());
      same(await store.claimLease(lease(), "wrong-id"), undefined, "a claim with another lease's id");
      same(await store.claimLease(lease(), "lease-1"), lease(), "the claim");
      same(await store.claimLease(lease(), "lease-1"), undefined, "a second claim of the same lease");
      same(await store.getLease(lease()), undefined, "the slot of a claimed lease");
      same(await store.listStartedLeases(), [lease()], "the started leases");
      // A new lease for the same slot may be pending while the claimed one's turn runs.
      await store.putLease(lease({ id: "lease-2" }));
      await store.finishLease("lease-1");
      same(await store.listStartedLeases(), [], "the started leases once it finished");
      same(await store.getLease(lease()), lease({ id: "lease-2" }), "the slot's new lease");
      await store.finishLease("lease-1");
      await store.finishLease("never-started");
    },
  },
  {
    name: "lists the pending and the started leases of one session, or of all",
    async run(store) {
      await store.putLease(lease({ id: "a", dueAt: 30 }));
      await store.putLease(lease({ id: "b", leaseKey: "other", dueAt: 10 }));
      await store.putLease(lease({ id: "c", sessionKey: "s2", dueAt: 20 }));
      await store.putLease(lease({ id: "d", sessionKey: "s3" }));
      await store.claimLease(lease({ sessionKey: "s3" }), "d");
      const ids = (leases: { id: string }[]) => sorted(leases.map((item) => item.id));
      same(ids(await store.listLeases()), ["a", "b", "c"], "all pending leases");
      same(ids(await store.listLeases("s1")), ["a", "b"], "session s1's pending leases");
      same(ids(await store.listLeases("s3")), [], "the pending leases of a session whose lease started");
      same(ids(await store.listStartedLeases()), ["d"], "all started leases");
      same(ids(await store.listStartedLeases("s1")), [], "session s1's started leases");
      same(ids(await store.listStartedLeases("s3")), ["d"], "session s3's started leases");
    },
  },
  {
    name: "applies a write made after another only if that one applied: a state written, a lease claimed",
    async run(store) {
      const written = store.writeState("goal", "s1", "goal", { n: 1 }, 0);
      const scheduled = store.putLease(lease(), { after: written, ifState: { key: "goal", version: 1 } });
      same(await written, { status: "written", version: 1 }, "the state write");
      same(await scheduled, { replaced: undefined }, "a lease put after it");
      // A write that lost its compare-and-set: the lease after it is refused though the version matches.
      const lost = store.writeState("goal", "s1", "goal", { n: 2 }, 0);
      await refusedWith(
        "not_applied",
        () => store.putLease(lease({ id: "lease-2" }), { after: lost, ifState: { key: "goal", version: 1 } }),
        "a lease put after a state write that conflicted",
      );
      same(await store.getLease(lease()), lease(), "the slot after the refused put");
      const claimed = store.claimLease(lease(), "lease-1");
      const input = entry("t1", "after the claim");
      const appended = store.appendTranscript("s1", [input], { after: claimed });
      same(await claimed, lease(), "the claim");
      await appended;
      const again = store.claimLease(lease(), "lease-1");
      await refusedWith(
        "not_applied",
        () => store.appendTranscript("s1", [entry("t1", "after a failed claim")], { after: again }),
        "a transcript append after a claim of a lease no longer pending",
      );
      same(
        (await store.readTranscript("s1", { generation: 1, limit: 10 })).map(
          (entry) => entry.message.content,
        ),
        ["after the claim"],
        "the transcript",
      );
    },
  },
];
