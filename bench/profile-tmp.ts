import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, SqliteStore } from "../packages/sdk/dist/index.js";
import { measureThroughput } from "./throughput.ts";

const kind = process.argv[2];
const store =
  kind === "memory" ? new MemoryStore() : SqliteStore.open(join(mkdtempSync(join(tmpdir(), "p-")), "t.db"));
const r = await measureThroughput(store, 1000, 20);
console.log(kind, Math.round(r.turnsPerSecond));
