// One host process of `pnpm bench:fleet` (bench/fleet.ts), on a PostgreSQL schema it shares with the others.
// Talks to the bench in JSON lines: stdout says what happened, stdin says what to do next.
//
// throughput: opens PROBES probe sessions (a paused goal each, for commands posted from another process),
//   prints `ready`, waits for `go`, runs GOALS goals of TURNS continuations at once, prints `done` with its
//   dispatch samples and round trips, waits for `close`, closes.
// failover: runs GOALS goals whose model waits WAIT seconds between turns, with `recovery: "continuous"` and
//   claims of TTL ms, prints `ready`; from then on prints every lease it admits or reports interrupted for a
//   session it did not start (one it took over from a dead host); closes at `close`.
//
// Usage: node fleet-host.ts URL SCHEMA PREFIX MODE GOALS TURNS PROBES TTL_MS WAIT_SECONDS
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { createGoalPlugin } from "../packages/goal-plugin/dist/index.js";
import { createHost, type Model } from "../packages/sdk/dist/index.js";
import { PostgresStore } from "../packages/sdk/dist/postgres.js";
import { runGoal } from "./dispatch-latency.ts";
import { goalHost, owner } from "./lib.ts";
import { roundTrips } from "./round-trips.ts";

const [
  url = "",
  schema = "",
  prefix = "",
  mode = "",
  goals = "0",
  turns = "0",
  probes = "0",
  ttl = "0",
  wait = "1",
] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const store = await PostgresStore.open(url, { schema, maxConnections: 20 });

if (mode === "throughput") {
  const host = await goalHost({ store });
  const probeKeys = Array.from({ length: Number(probes) }, (_, index) => `${prefix}-probe-${index}`);
  for (const sessionKey of probeKeys) {
    await host.openSession({ sessionKey });
    await host.send({ sessionKey, text: "/goal start probe goal --max-turns 1000", sender: owner });
    await host.send({ sessionKey, text: "/goal pause", sender: owner });
  }
  await host.idle();
  // Dispatch within this host: goal_status(continue) returning, to the next continuation's model call.
  const marks = new Map<string, number>();
  const samples: number[] = [];
  host.on("tool-call", (event) => {
    // The probes' own turns are the commands' doing, not the goals': left out.
    if (event.name === "goal_status" && !event.sessionKey.includes("-probe-"))
      marks.set(event.sessionKey, performance.now());
  });
  host.on("model-call", (event) => {
    const mark = marks.get(event.sessionKey);
    if (event.step !== 1 || mark === undefined) return;
    samples.push(performance.now() - mark);
    marks.delete(event.sessionKey);
  });
  say({ kind: "ready", probes: probeKeys });
  await lines.next();
  const before = roundTrips();
  await Promise.all(
    Array.from({ length: Number(goals) }, (_, index) => runGoal(host, `${prefix}-${index}`, Number(turns))),
  );
  say({ kind: "done", turns: Number(goals) * Number(turns), roundTrips: roundTrips() - before, samples });
  await lines.next();
  await host.close();
} else {
  // Every continuation reports "waiting" for WAIT seconds: the goal stays live with a pending lease between
  // its turns, as a goal whose model works for a while does, without keeping the CPU busy.
  const usage = { inputTokens: 10, outputTokens: 5 };
  const waitingModel: Model = {
    id: "waiting",
    async generate(request) {
      const last = request.messages.at(-1);
      if (last?.role !== "user" || last.origin !== "continuation") return { text: "", toolCalls: [], usage };
      const input = { status: "waiting", note: "waiting for the next step", wait_seconds: Number(wait) };
      return { text: "", toolCalls: [{ id: "w", name: "goal_status", input }], usage };
    },
  };
  const host = await createHost({
    model: waitingModel,
    store,
    plugins: [
      createGoalPlugin({
        defaults: { maxTurns: 1_000, tokenBudget: 100_000_000, timeBudgetMs: 7 * 86_400_000 },
      }),
    ],
    recovery: "continuous",
    ownership: { ttlMs: Number(ttl) },
  });
  const foreign = (sessionKey: string) => !sessionKey.startsWith(`${prefix}-`);
  for (const kind of ["lease-admitted", "lease-interrupted"] as const) {
    host.on(kind, (event) => {
      if (foreign(event.sessionKey))
        say({ kind, sessionKey: event.sessionKey, leaseId: event.leaseId, at: Date.now() });
    });
  }
  host.on("host-error", (event) => process.stderr.write(`fleet host ${prefix}: ${event.message}\n`));
  for (let index = 0; index < Number(goals); index++) {
    const sessionKey = `${prefix}-${index}`;
    await host.openSession({ sessionKey });
    await host.send({ sessionKey, text: "/goal start failover goal", sender: owner });
  }
  say({ kind: "ready" });
  await lines.next();
  await host.close();
}
await store.close();
process.exit(0);
