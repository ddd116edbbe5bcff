// Where a PostgreSQL continuation turn's CPU goes (Linux; not part of `pnpm bench`): one throwaway server,
// then rounds of raw single-row inserts and one host process (`postgres-host.ts`) x 100 sessions x 20 turns,
// with the server's CPU (the postmaster and its backends, from /proc) and the host's per turn.
//   node bench/postgres-cpu.ts [ROUNDS] [CHECKOUT...]
// Each CHECKOUT (a built copy of the repository, this one if none) runs once per round, alternated, so two
// builds compare on the same busy machine. PROFILE=dir adds --cpu-prof to the hosts; STATEMENTS=1 loads
// pg_stat_statements (track = all, so the statements inside the PL/pgSQL functions too) and prints the
// costliest statements at the end.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import pg from "pg";
import { startPostgres } from "../test/postgres-server.ts";
import { measureRawInserts } from "./postgres.ts";
import { postmasterPid, processCpu, serverCpuSeconds } from "./process-cpu.ts";

const sessions = 100;
const turns = 20;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const rounds = Number(process.argv[2] ?? 3);
const checkouts = process.argv.length > 3 ? process.argv.slice(3) : [new URL("..", import.meta.url).pathname];
const statements = process.env.STATEMENTS === "1";
const server = await startPostgres(
  statements
    ? { settings: { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all" } }
    : {},
);
const postmaster = await postmasterPid(server);
if (statements) {
  const client = new pg.Client(server.url);
  await client.connect();
  await client.query("CREATE EXTENSION pg_stat_statements");
  await client.end();
}

async function hostRun(checkout: string) {
  const args = process.env.PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE}`] : [];
  const schema = `b_${randomUUID().replaceAll("-", "")}`;
  const child = spawn(
    process.execPath,
    [
      ...args,
      `${checkout}/bench/postgres-host.ts`,
      server.url,
      schema,
      "h0",
      String(sessions),
      String(turns),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  await lines.next();
  await pause(300);
  const pid = child.pid ?? 0;
  const [host0, server0] = [processCpu(pid).own, serverCpuSeconds(postmaster)];
  const start = performance.now();
  child.stdin.end("go\n");
  const result = JSON.parse(String((await lines.next()).value)) as { turns: number; roundTrips: number };
  const seconds = (performance.now() - start) / 1_000;
  const host1 = processCpu(pid).own;
  if (child.exitCode === null) await once(child, "exit");
  // The host's backends end with it; the postmaster counts them once it has reaped them.
  await pause(500);
  const server1 = serverCpuSeconds(postmaster);
  return {
    turnsPerSecond: result.turns / seconds,
    roundTripsPerTurn: result.roundTrips / result.turns,
    serverSecondsPer1000Turns: ((server1 - server0) / result.turns) * 1_000,
    hostMsPerTurn: ((host1 - host0) / result.turns) * 1_000,
  };
}

const raws: number[] = [];
const runs = new Map<string, Awaited<ReturnType<typeof hostRun>>[]>();
for (let round = 0; round < rounds; round++) {
  const raw = (await measureRawInserts(server, 3_000)).insertsPerSecond;
  raws.push(raw);
  const line = [`raw inserts ${raw.toFixed(0)}/s`];
  for (const checkout of checkouts) {
    const run = await hostRun(checkout);
    runs.set(checkout, [...(runs.get(checkout) ?? []), run]);
    line.push(
      `${checkout}: ${run.turnsPerSecond.toFixed(0)} turns/s (${(run.turnsPerSecond / raw).toFixed(3)}x), ${run.roundTripsPerTurn.toFixed(2)} round trips, server ${run.serverSecondsPer1000Turns.toFixed(2)} s/1k turns, host ${run.hostMsPerTurn.toFixed(2)} ms/turn`,
    );
  }
  process.stdout.write(`${line.join(" | ")}\n`);
}
for (const [checkout, results] of runs) {
  const turnsPerSecond = median(results.map((run) => run.turnsPerSecond));
  process.stdout.write(
    `${JSON.stringify({
      checkout,
      turnsPerSecond: Math.round(turnsPerSecond),
      ofRawInserts: Number((turnsPerSecond / median(raws)).toFixed(3)),
      rawInserts: Math.round(median(raws)),
      roundTripsPerTurn: Number(median(results.map((run) => run.roundTripsPerTurn)).toFixed(3)),
      serverSecondsPer1000Turns: Number(
        median(results.map((run) => run.serverSecondsPer1000Turns)).toFixed(3),
      ),
      hostMsPerTurn: Number(median(results.map((run) => run.hostMsPerTurn)).toFixed(3)),
    })}\n`,
  );
}
if (statements) {
  const client = new pg.Client(server.url);
  await client.connect();
  const { rows } = await client.query(
    `SELECT calls, round(total_exec_time::numeric, 1) AS ms, round((total_exec_time / calls * 1000)::numeric, 1) AS us,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query
     FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
  );
  for (const row of rows)
    process.stdout.write(`${row.calls}\t${row.ms} ms\t${row.us} us/call\t${row.query}\n`);
  await client.end();
}
server.remove();
process.exit(0);
