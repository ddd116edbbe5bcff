import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshPostgresStore } from "../../test/postgres-store.js";
import { MemoryStore } from "./memory/memory-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { HostStore, LeaseRecord, LeaseSlot } from "./store.js";

type Operation =
  | { kind: "put"; slot: number; id: number }
  | { kind: "delete"; slot: number; expectedId?: number }
  | { kind: "claim"; slot: number; id: number }
  | { kind: "finish"; id: number }
  | { kind: "deleteSession"; session: number };

const slots: LeaseSlot[] = [
  { pluginId: "a", sessionKey: "s0", leaseKey: "k" },
  { pluginId: "a", sessionKey: "s0", leaseKey: "other" },
  { pluginId: "b", sessionKey: "s0", leaseKey: "k" },
  { pluginId: "a", sessionKey: "s1", leaseKey: "k" },
];

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("put" as const), slot: fc.nat(3), id: fc.nat(20) }),
  fc.record(
    { kind: fc.constant("delete" as const), slot: fc.nat(3), expectedId: fc.nat(20) },
    { requiredKeys: ["kind", "slot"] },
  ),
  fc.record({ kind: fc.constant("claim" as const), slot: fc.nat(3), id: fc.nat(20) }),
  fc.record({ kind: fc.constant("finish" as const), id: fc.nat(20) }),
  fc.record({ kind: fc.constant("deleteSession" as const), session: fc.nat(1) }),
);

const lease = (slot: number, id: number): LeaseRecord => ({
  ...(slots[slot] as LeaseSlot),
  id: `lease-${id}-${slot}`,
  message: `m${id}`,
  createdAt: id,
  dueAt: id + 1,
  generation: 1,
});

/** The reference: a pending lease per slot and a set of started leases, in plain maps. */
class LeaseModel {
  readonly pending = new Map<number, LeaseRecord>();
  readonly started = new Map<string, LeaseRecord>();

  apply(op: Operation): unknown {
    switch (op.kind) {
      case "put": {
        const replaced = this.pending.get(op.slot);
        this.pending.set(op.slot, lease(op.slot, op.id));
        return { replaced };
      }
      case "delete": {
        const current = this.pending.get(op.slot);
        if (!current || (op.expectedId !== undefined && current.id !== lease(op.slot, op.expectedId).id))
          return undefined;
        this.pending.delete(op.slot);
        return current;
      }
      case "claim": {
        const current = this.pending.get(op.slot);
        if (current?.id !== lease(op.slot, op.id).id) return undefined;
        this.pending.delete(op.slot);
        this.started.set(current.id, current);
        return current;
      }
      case "finish":
        for (const id of [...this.started.keys()])
          if (id.startsWith(`lease-${op.id}-`)) this.started.delete(id);
        return undefined;
      case "deleteSession": {
        const deleted = [...this.pending].filter(([slot]) => slots[slot]?.sessionKey === `s${op.session}`);
        for (const [slot] of deleted) this.pending.delete(slot);
        return deleted.map(([, record]) => record.id).sort();
      }
    }
  }
}

async function applyToStore(store: HostStore, op: Operation): Promise<unknown> {
  switch (op.kind) {
    case "put":
      return store.putLease(lease(op.slot, op.id));
    case "delete":
      return store.deleteLease(
        slots[op.slot] as LeaseSlot,
        op.expectedId === undefined ? undefined : lease(op.slot, op.expectedId).id,
      );
    case "claim":
      return store.claimLease(slots[op.slot] as LeaseSlot, lease(op.slot, op.id).id);
    case "finish":
      for (const started of await store.listStartedLeases()) {
        if (started.id.startsWith(`lease-${op.id}-`)) await store.finishLease(started.id);
      }
      return undefined;
    case "deleteSession":
      return (await store.deleteSessionLeases(`s${op.session}`)).map((record) => record.id).sort();
  }
}

const byId = (records: LeaseRecord[]) => [...records].sort((left, right) => left.id.localeCompare(right.id));

// PostgreSQL runs fewer cases: each takes a fresh schema on the server.
describe.each<[string, () => HostStore | Promise<HostStore>, number]>([
  ["MemoryStore", () => new MemoryStore(), 200],
  ["SqliteStore", () => SqliteStore.open(":memory:"), 200],
  ["PostgresStore", () => freshPostgresStore(), 30],
])("lease store against a reference model: %s", (_name, open, numRuns) => {
  it("agrees with the model on every result and on the final state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 40 }), async (operations) => {
        const store = await open();
        const model = new LeaseModel();
        try {
          for (const op of operations) expect(await applyToStore(store, op)).toEqual(model.apply(op));
          expect(byId(await store.listLeases())).toEqual(byId([...model.pending.values()]));
          expect(byId(await store.listStartedLeases())).toEqual(byId([...model.started.values()]));
          // The invariant the host builds on: never two pending leases for one slot.
          const keys = (await store.listLeases()).map((record) =>
            JSON.stringify([record.pluginId, record.sessionKey, record.leaseKey]),
          );
          expect(new Set(keys).size).toBe(keys.length);
        } finally {
          await store.close();
        }
      }),
      { numRuns },
    );
  });
});
