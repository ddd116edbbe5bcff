// One part of `pnpm bench` alone, to run under a profiler (not in CI, not a figure of its own):
//   node --cpu-prof --cpu-prof-dir=prof bench/profile.ts throughput-memory|throughput-sqlite|dispatch-sqlite|recovery
//   node --heap-prof --heap-prof-dir=prof bench/profile.ts idle-memory
// idle-memory exits with its 10,000 goals still held, so the sampling heap profile shows what they keep.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "../packages/sdk/dist/index.js";
import { SqliteStore } from "../packages/sdk/dist/sqlite.js";
import { FakeClock } from "../packages/sdk/dist/testing/index.js";
import { measureDispatch } from "./dispatch-latency.ts";
import { goalHost, owner } from "./lib.ts";
import { measureRecovery } from "./scale.ts";
import { measureThroughput } from "./throughput.ts";

const part = process.argv[2];
const directory = mkdtempSync(join(tmpdir(), "goal-lease-profile-"));
const started = performance.now();
let result: unknown;
if (part === "throughput-memory") result = await measureThroughput(new MemoryStore(), 1_000, 20);
else if (part === "throughput-sqlite")
  result = await measureThroughput(SqliteStore.open(join(directory, "t.db")), 1_000, 20);
else if (part === "dispatch-sqlite")
  result = await measureDispatch(SqliteStore.open(join(directory, "d.db")), 5_000);
else if (part === "recovery") result = await measureRecovery(100_000, join(directory, "r.db"));
else if (part === "idle-memory") {
  const host = await goalHost({ store: new MemoryStore(), clock: new FakeClock() });
  for (let index = 0; index < 10_000; index++) {
    await host.openSession({ sessionKey: `idle-${index}` });
    await host.send({ sessionKey: `idle-${index}`, text: "/goal start stay idle", sender: owner });
  }
  result = { sessions: 10_000, held: host !== undefined };
} else throw new Error(`unknown part ${part}`);
process.stdout.write(`${part}: ${JSON.stringify(result)} in ${Math.round(performance.now() - started)} ms\n`);
rmSync(directory, { recursive: true, force: true });
process.exit(0);
