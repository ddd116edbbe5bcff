// One host process of the PostgreSQL throughput bench: opens the store, waits for "go" on stdin, runs its
// goals, and prints how many continuation turns it ran. Usage: node postgres-host.ts URL SCHEMA PREFIX SESSIONS TURNS
import { once } from "node:events";
import { PostgresStore } from "../packages/sdk/dist/postgres.js";
import { runGoal } from "./dispatch-latency.ts";
import { goalHost } from "./lib.ts";
import { roundTrips } from "./round-trips.ts";

const [url = "", schema = "", prefix = "", sessions = "0", turns = "0"] = process.argv.slice(2);
const store = await PostgresStore.open(url, { schema, maxConnections: 20 });
const host = await goalHost({ store });
// A round of goals of its own first, so the measured one runs warm, as the bench's in-process rows do.
await Promise.all(
  Array.from({ length: Number(sessions) }, (_, index) => runGoal(host, `${prefix}-warm-${index}`, 5)),
);
process.stdout.write("ready\n");
await once(process.stdin, "data");
const before = roundTrips();
await Promise.all(
  Array.from({ length: Number(sessions) }, (_, index) => runGoal(host, `${prefix}-${index}`, Number(turns))),
);
const sent = roundTrips() - before;
await host.close();
await store.close();
process.stdout.write(`${JSON.stringify({ turns: Number(sessions) * Number(turns), roundTrips: sent })}\n`);
