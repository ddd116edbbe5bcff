// Scale: heap per idle session with an active goal, and the time to recover pending leases at start.
import { rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { DatabaseSync } from "node:sqlite";
import { type HostStore, MemoryStore } from "../packages/sdk/dist/index.js";
import { SqliteStore } from "../packages/sdk/dist/sqlite.js";
import { FakeClock } from "../packages/sdk/dist/testing/index.js";
import { collect, goalHost, owner } from "./lib.ts";

/**
 * Starts `sessions` goals on a host whose fake clock never moves, so each stays idle with its first
 * continuation pending, and reports the heap growth per session.
 */
export async function measureIdleMemory(sessions: number, storeKind: "memory" | "sqlite", path: string) {
  collect();
  const before = process.memoryUsage().heapUsed;
  const store: HostStore = storeKind === "memory" ? new MemoryStore() : SqliteStore.open(path);
  const host = await goalHost({ store, clock: new FakeClock() });
  for (let index = 0; index < sessions; index++) {
    const sessionKey = `idle-${index}`;
    await host.openSession({ sessionKey });
    await host.send({ sessionKey, text: "/goal start stay idle", sender: owner });
  }
  collect();
  const bytesPerSession = (process.memoryUsage().heapUsed - before) / sessions;
  const pending = (await store.listLeases()).length;
  await host.close();
  await store.close();
  if (storeKind === "sqlite") rmSync(path, { force: true });
  return { sessions, pending, bytesPerSession };
}

/** Writes `count` sessions with a pending lease each straight into a store file, then times a host start on it. */
export async function measureRecovery(count: number, path: string) {
  rmSync(path, { force: true });
  await SqliteStore.open(path).close();
  const db = new DatabaseSync(path);
  const dueAt = Date.now() + 3_600_000;
  db.exec("BEGIN");
  const session = db.prepare("INSERT INTO sessions VALUES (?, 'main', 'bench', 1, ?, NULL)");
  const lease = db.prepare("INSERT INTO leases VALUES ('goal', ?, 'goal.bench', ?, 'continue', ?, ?, 1)");
  for (let index = 0; index < count; index++) {
    session.run(`recover-${index}`, dueAt);
    lease.run(`recover-${index}`, `lease-${index}`, dueAt, dueAt);
  }
  db.exec("COMMIT");
  db.close();
  // The floor: the query that reads those rows, and nothing done with them.
  // CPU seconds beside wall seconds: on a shared machine the wall clock also counts the time others ran.
  const raw = new DatabaseSync(path);
  let start = performance.now();
  let cpu = process.cpuUsage();
  raw.prepare("SELECT * FROM leases").all();
  raw.prepare("SELECT * FROM sessions").all();
  const rawSeconds = (performance.now() - start) / 1_000;
  const rawCpuSeconds = cpuSecondsSince(cpu);
  raw.close();
  const store = SqliteStore.open(path);
  start = performance.now();
  cpu = process.cpuUsage();
  const host = await goalHost({ store });
  const seconds = (performance.now() - start) / 1_000;
  const cpuSeconds = cpuSecondsSince(cpu);
  await host.close();
  await store.close();
  rmSync(path, { force: true });
  return { leases: count, seconds, rawSeconds, cpuSeconds, rawCpuSeconds };
}

/** User and system CPU time of this process (all its threads, the collector's too) since `since`. */
function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
}
