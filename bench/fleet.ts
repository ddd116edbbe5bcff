// `pnpm bench:fleet` (not in CI): N host processes (1, 2, 4 by default) x G goals each on one PostgreSQL
// server this run starts, then a failover. Prints a table; writes every figure to .bench-results/fleet-<time>.json.
//
// - Throughput: each host runs its G goals of T continuation turns at once; turns/s from the bench's "go" to
//   the last host's last turn.
// - Dispatch within a host: goal_status(continue) returning to the next continuation's model call, every
//   hop of every goal, while all the fleet's goals run (so it includes queueing behind the others' turns).
// - A command across hosts: this process (not a host) posts `/goal resume` and `/goal pause` alternately to
//   probe sessions the hosts own, through `forwardControl`, while the goals run; from the post to the
//   owner's answer once it applied the change (the store's `postedAt` and `answer.at`, both wall clock, ms).
// - Server CPU: user + system time of the postmaster and every process it started, from /proc (the live
//   ones' utime + stime, plus the postmaster's cutime + cstime for those that exited), per 1,000 turns.
// - Round trips: statements each host sent through `pg` (bench/round-trips.ts), per continuation turn.
// - Failover: F hosts (3 by default) x G goals whose model waits W seconds between turns, recovery
//   "continuous", claims of TTL ms; one host is SIGKILLed, then the time until every goal of it has run a
//   continuation on another host (or been reported interrupted there: a turn in flight at the kill is not
//   run twice, its goal waits for the user). Then the survivors close and the store is checked: goals lost
//   (missing, or never taken over), leases with two continuation turns, sessions run by two survivors.
//
// Usage: pnpm bench:fleet [--goals 1000] [--turns 20] [--hosts 1,2,4] [--probes 10] [--failover-hosts 3]
//                         [--ttl-ms 3000] [--wait-seconds 2]
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { readStoredGoal } from "../packages/goal-plugin/dist/index.js";
import { forwardControl, type HostStore } from "../packages/sdk/dist/index.js";
import { PostgresStore } from "../packages/sdk/dist/postgres.js";
import { type PostgresServer, startPostgres } from "../test/postgres-server.ts";
import { owner, percentiles, round } from "./lib.ts";
import { measureRawInserts } from "./postgres.ts";
import { postmasterPid, serverCpuSeconds } from "./process-cpu.ts";

const { values } = parseArgs({
  options: {
    goals: { type: "string", default: "1000" },
    turns: { type: "string", default: "20" },
    hosts: { type: "string", default: "1,2,4" },
    probes: { type: "string", default: "10" },
    "failover-hosts": { type: "string", default: "3" },
    "ttl-ms": { type: "string", default: "3000" },
    "wait-seconds": { type: "string", default: "2" },
  },
});
const goals = Number(values.goals);
const turns = Number(values.turns);
const hostCounts = values.hosts.split(",").map(Number);
const probesPerHost = Number(values.probes);
const failoverHosts = Math.max(2, Number(values["failover-hosts"]));
const ttlMs = Number(values["ttl-ms"]);
const waitSeconds = Number(values["wait-seconds"]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hostPath = new URL("./fleet-host.ts", import.meta.url).pathname;

/** A host process and its JSON lines. */
function startHost(url: string, schema: string, prefix: string, mode: string, probes = 0) {
  const child = spawn(
    process.execPath,
    [
      hostPath,
      url,
      schema,
      prefix,
      mode,
      String(goals),
      String(turns),
      String(probes),
      String(ttlMs),
      String(waitSeconds),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = once(child, "exit");
  const lines = createInterface({ input: child.stdout });
  const messages = lines[Symbol.asyncIterator]();
  return {
    child,
    exited,
    lines,
    next: async () => JSON.parse(String((await messages.next()).value)) as Record<string, unknown>,
    tell: (line: string) => child.stdin.write(`${line}\n`),
  };
}

/** The store as this process posts through it, noting when each command was posted. */
function timedStore(store: HostStore): { store: HostStore; lastPostedAt: () => number } {
  let postedAt = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property === "postCommand") {
        return (command: Parameters<HostStore["postCommand"]>[0]) => {
          postedAt = command.postedAt;
          return target.postCommand(command);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: proxy, lastPostedAt: () => postedAt };
}

async function measureFleet(server: PostgresServer, processes: number, cpu: () => number) {
  const schema = `f_${randomUUID().replaceAll("-", "")}`;
  const hosts = Array.from({ length: processes }, (_, index) =>
    startHost(server.url, schema, `h${index}`, "throughput", probesPerHost),
  );
  const probes = (await Promise.all(hosts.map((host) => host.next()))).flatMap(
    (ready) => ready.probes as string[],
  );
  const poster = timedStore(await PostgresStore.open(server.url, { schema }));
  const cpuBefore = cpu();
  const start = performance.now();
  for (const host of hosts) host.tell("go");
  let running = true;
  const done = Promise.all(hosts.map((host) => host.next())).then((results) => {
    running = false;
    return { results, seconds: (performance.now() - start) / 1_000 };
  });
  // Commands across hosts while the goals run, one at a time, each probe resumed then paused.
  const commandMs: number[] = [];
  const active = new Set<string>();
  for (let index = 0; running; index++) {
    const sessionKey = probes[index % probes.length] as string;
    const verb = active.has(sessionKey) ? "pause" : "resume";
    const result = await forwardControl(
      poster.store,
      { sessionKey, pluginId: "goal", verb, input: {}, sender: owner },
      { timeoutMs: 30_000, pollMs: 5 },
    );
    if (result.status === "answered" && result.applied) {
      commandMs.push(result.at - poster.lastPostedAt());
      if (verb === "resume") active.add(sessionKey);
      else active.delete(sessionKey);
    }
    await sleep(20);
  }
  const { results, seconds } = await done;
  const cpuSeconds = cpu() - cpuBefore;
  for (const host of hosts) host.tell("close");
  await Promise.all(hosts.map((host) => host.exited));
  await poster.store.close();
  const total = results.reduce((sum, result) => sum + Number(result.turns), 0);
  const sent = results.reduce((sum, result) => sum + Number(result.roundTrips), 0);
  const dispatch = percentiles(results.flatMap((result) => result.samples as number[]));
  return {
    processes,
    goalsPerHost: goals,
    turnsPerGoal: turns,
    turns: total,
    seconds,
    turnsPerSecond: total / seconds,
    dispatchMs: dispatch,
    commandMs: percentiles(commandMs),
    serverCpuSeconds: cpuSeconds,
    serverCpuSecondsPer1000Turns: (cpuSeconds / total) * 1_000,
    roundTripsPerTurn: sent / total,
  };
}

async function measureFailover(server: PostgresServer) {
  const schema = `f_${randomUUID().replaceAll("-", "")}`;
  const hosts = Array.from({ length: failoverHosts }, (_, index) =>
    startHost(server.url, schema, `h${index}`, "failover"),
  );
  await Promise.all(hosts.map((host) => host.next()));
  // Every goal has run a few turns and waits with a lease pending, as live goals do.
  await sleep(2 * waitSeconds * 1_000 + 1_000);
  const [victim, ...survivors] = hosts as [(typeof hosts)[0], ...typeof hosts];
  const victimKeys = new Set(Array.from({ length: goals }, (_, index) => `h0-${index}`));
  const ranAgain = new Map<string, number>();
  const interrupted = new Map<string, number>();
  const runBy = new Map<string, Set<number>>();
  const killedAt = Date.now();
  victim.child.kill("SIGKILL");
  for (const [index, host] of survivors.entries()) {
    host.lines.on("line", (text) => {
      const event = JSON.parse(text) as { kind: string; sessionKey: string; at: number };
      if (!victimKeys.has(event.sessionKey)) return;
      const seen = event.kind === "lease-admitted" ? ranAgain : interrupted;
      if (!seen.has(event.sessionKey)) seen.set(event.sessionKey, event.at - killedAt);
      if (event.kind === "lease-admitted")
        runBy.set(event.sessionKey, (runBy.get(event.sessionKey) ?? new Set()).add(index));
    });
  }
  await victim.exited;
  const handled = () => [...victimKeys].every((key) => ranAgain.has(key) || interrupted.has(key));
  const deadline = Date.now() + ttlMs + 60_000;
  while (!handled() && Date.now() < deadline) await sleep(50);
  // A little longer, so a second run of any lease would show.
  await sleep(waitSeconds * 1_000 + 1_000);
  for (const host of survivors) host.tell("close");
  await Promise.all(survivors.map((host) => host.exited));

  const store = await PostgresStore.open(server.url, { schema });
  let lost = 0;
  let leasesRunTwice = 0;
  let continuationTurns = 0;
  const allKeys = hosts.flatMap((_, host) =>
    Array.from({ length: goals }, (_, index) => `h${host}-${index}`),
  );
  for (const sessionKey of allKeys) {
    const goal = await readStoredGoal(store, sessionKey);
    if (!goal || (victimKeys.has(sessionKey) && !ranAgain.has(sessionKey) && !interrupted.has(sessionKey)))
      lost++;
    const transcript = await store.readTranscript(sessionKey, { generation: 1, limit: 1_000_000 });
    const perLease = new Map<string, number>();
    for (const entry of transcript) {
      if (entry.message.role !== "user" || entry.message.origin !== "continuation") continue;
      continuationTurns++;
      perLease.set(String(entry.leaseId), (perLease.get(String(entry.leaseId)) ?? 0) + 1);
    }
    leasesRunTwice += [...perLease.values()].filter((count) => count > 1).length;
  }
  await store.close();
  const times = [...victimKeys].map((key) =>
    Math.min(ranAgain.get(key) ?? Infinity, interrupted.get(key) ?? Infinity),
  );
  const ranTimes = [...ranAgain.values()];
  return {
    hosts: failoverHosts,
    goalsPerHost: goals,
    claimLifetimeMs: ttlMs,
    waitSeconds,
    killedGoals: goals,
    ranAgain: ranAgain.size,
    reportedInterrupted: [...interrupted.keys()].filter((key) => !ranAgain.has(key)).length,
    allHandledMs: Math.max(...times),
    allRanAgainMs: ranTimes.length ? Math.max(...ranTimes) : undefined,
    firstRanAgainMs: ranTimes.length ? Math.min(...ranTimes) : undefined,
    lost,
    leasesRunTwice,
    sessionsRunByTwoHosts: [...runBy.values()].filter((set) => set.size > 1).length,
    continuationTurnsChecked: continuationTurns,
  };
}

const server = await startPostgres();
const figures: Record<string, unknown> = {};
const rows: string[] = [];
try {
  const postmaster = await postmasterPid(server);
  const cpu = () => serverCpuSeconds(postmaster);
  const raw = await measureRawInserts(server, 2_000);
  figures.rawInserts = raw;
  process.stderr.write(`raw single-row inserts through pg: ${Math.round(raw.insertsPerSecond)}/s\n`);
  for (const processes of hostCounts) {
    const result = await measureFleet(server, processes, cpu);
    figures[`fleet_${processes}`] = result;
    const row = `| ${processes} x ${goals} x ${turns} | ${Math.round(result.turnsPerSecond)} (${round(result.turnsPerSecond / raw.insertsPerSecond, 3)}x raw inserts) | ${round(result.dispatchMs.p50, 2)} / ${round(result.dispatchMs.p99, 2)} | ${round(result.commandMs.p50, 1)} / ${round(result.commandMs.p99, 1)} (${result.commandMs.count}) | ${round(result.serverCpuSecondsPer1000Turns, 2)} | ${round(result.roundTripsPerTurn, 2)} |`;
    rows.push(row);
    process.stderr.write(`${row}\n`);
  }
  const failover = await measureFailover(server);
  figures.failover = failover;
  process.stderr.write(`failover: ${JSON.stringify(failover)}\n`);
} finally {
  server.remove();
}
const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
process.stdout.write(
  [
    `goal-lease bench:fleet · commit ${commit} · node ${process.version} · ${cpus().length} cpus · raw pg inserts ${Math.round((figures.rawInserts as { insertsPerSecond: number }).insertsPerSecond)}/s`,
    "",
    "| hosts x goals x turns | turns/s | dispatch in a host p50 / p99 (ms) | command across hosts p50 / p99 (ms) (samples) | server CPU s per 1,000 turns | round trips per turn |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    `failover: ${JSON.stringify(figures.failover)}`,
    "",
  ].join("\n"),
);
mkdirSync(".bench-results", { recursive: true });
const file = join(".bench-results", `fleet-${new Date().toISOString().replaceAll(":", "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ commit, node: process.version, cpus: cpus().length, figures }, null, 2)}\n`,
);
process.stdout.write(`figures: ${file}\n`);
