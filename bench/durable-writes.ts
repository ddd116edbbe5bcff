// Durable write cost: lease writes through SqliteStore against raw node:sqlite inserts of the same rows.
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { DatabaseSync } from "node:sqlite";
import type { LeaseRecord } from "../packages/sdk/dist/index.js";
import { SqliteStore } from "../packages/sdk/dist/sqlite.js";

const lease = (index: number): LeaseRecord => ({
  id: `lease-${index}`,
  pluginId: "goal",
  sessionKey: `session-${index % 1_000}`,
  leaseKey: "goal.bench",
  message: "continue the benchmark goal",
  createdAt: index,
  dueAt: index,
  generation: 1,
});

export async function measureDurableWrites(count: number, directory: string) {
  const storePath = `${directory}/writes-store.db`;
  const rawPath = `${directory}/writes-raw.db`;
  for (const path of [storePath, rawPath]) rmSync(path, { force: true });
  const store = SqliteStore.open(storePath);
  let start = performance.now();
  for (let index = 0; index < count; index++) await store.putLease(lease(index));
  const storeSeconds = (performance.now() - start) / 1_000;
  await store.close();

  // The same schema, pragmas and rows, one autocommit insert per row: the floor for a durable lease write.
  await SqliteStore.open(rawPath).close();
  const db = new DatabaseSync(rawPath);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  const insert = db.prepare("INSERT OR REPLACE INTO leases VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  start = performance.now();
  for (let index = 0; index < count; index++) {
    const row = lease(index);
    insert.run(
      row.pluginId,
      row.sessionKey,
      row.leaseKey,
      row.id,
      row.message,
      row.createdAt,
      row.dueAt,
      row.generation,
    );
  }
  const rawSeconds = (performance.now() - start) / 1_000;
  db.close();
  for (const path of [storePath, rawPath]) rmSync(path, { force: true });
  return { writes: count, storePerSecond: count / storeSeconds, rawPerSecond: count / rawSeconds };
}
