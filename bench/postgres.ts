// PostgreSQL: continuation turns per second with 1, 2 and 3 host processes sharing one server, against the
// same run's raw single-row inserts per second through the same driver; dispatch latency within one host,
// and across hosts (a command posted through another host's store to the continuation it starts).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import pg from "pg";
import { forwardControl } from "../packages/sdk/dist/index.js";
import { PostgresStore } from "../packages/sdk/dist/postgres.js";
import { type PostgresServer, startPostgres } from "../test/postgres-server.ts";
import { measureDispatch } from "./dispatch-latency.ts";
import { goalHost, owner, percentiles } from "./lib.ts";
import { roundTrips } from "./round-trips.ts";

const schema = () => `b_${randomUUID().replaceAll("-", "")}`;

/** Autocommit single-row inserts of lease-sized rows, one after another, through `pg`. */
export async function measureRawInserts(server: PostgresServer, count: number) {
  const client = new pg.Client(server.url);
  await client.connect();
  await client.query(
    "CREATE TEMP TABLE raw_leases (id TEXT PRIMARY KEY, session_key TEXT, message TEXT, due_at BIGINT)",
  );
  const start = performance.now();
  for (let index = 0; index < count; index++) {
    await client.query("INSERT INTO raw_leases VALUES ($1, $2, $3, $4)", [
      `lease-${index}`,
      `session-${index % 1_000}`,
      "continue the benchmark goal",
      index,
    ]);
  }
  const seconds = (performance.now() - start) / 1_000;
  await client.end();
  return { inserts: count, insertsPerSecond: count / seconds };
}

/** `processes` host processes, each running `sessions` goals of `turns` continuations at once. */
export async function measureHosts(
  server: PostgresServer,
  processes: number,
  sessions: number,
  turns: number,
) {
  const shared = schema();
  const hostPath = new URL("./postgres-host.ts", import.meta.url).pathname;
  const children = Array.from({ length: processes }, (_, index) =>
    spawn(process.execPath, [hostPath, server.url, shared, `h${index}`, String(sessions), String(turns)], {
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const lines = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  for (const line of lines) await line.next();
  const start = performance.now();
  for (const child of children) child.stdin.end("go\n");
  const results = await Promise.all(
    lines.map(
      async (line) => JSON.parse(String((await line.next()).value)) as { turns: number; roundTrips: number },
    ),
  );
  const seconds = (performance.now() - start) / 1_000;
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
  const total = results.reduce((sum, result) => sum + result.turns, 0);
  const sent = results.reduce((sum, result) => sum + result.roundTrips, 0);
  return {
    processes,
    turns: total,
    seconds,
    turnsPerSecond: total / seconds,
    roundTripsPerTurn: sent / total,
  };
}

/** Dispatch within one host on PostgreSQL: the same hop as the memory and SQLite figures. */
export async function measurePostgresDispatch(server: PostgresServer, continuations: number) {
  const store = await PostgresStore.open(server.url, { schema: schema() });
  const before = roundTrips();
  // One session at a time: every round trip of a hop is one after another, none shared with another session.
  const perTurn: number[] = [];
  let mark = before;
  const latency = await measureDispatch(store, continuations, () => {
    perTurn.push(roundTrips() - mark);
    mark = roundTrips();
  });
  // The median: a turn that goes on. The mean also spreads each goal's start and its stopping turn.
  const roundTripsPerTurn = percentiles(perTurn).p50;
  const roundTripsMean = (roundTrips() - before) / latency.count;
  await store.close();
  return { ...latency, roundTripsPerTurn, roundTripsMean };
}

/**
 * Across hosts: a paused goal's owner hears `/goal resume` posted through another host's store (LISTEN and
 * NOTIFY, no polling); from the post to the owner's model call of the continuation it starts.
 */
export async function measureCrossHost(server: PostgresServer, samples: number) {
  const name = schema();
  const [ownerStore, otherStore] = await Promise.all([
    PostgresStore.open(server.url, { schema: name }),
    PostgresStore.open(server.url, { schema: name }),
  ]);
  const host = await goalHost({ store: ownerStore });
  await host.openSession({ sessionKey: "cross" });
  await host.send({
    sessionKey: "cross",
    text: "/goal start cross-host goal --max-turns 1000",
    sender: owner,
  });
  await host.send({ sessionKey: "cross", text: "/goal pause", sender: owner });
  await host.idle();
  const times: number[] = [];
  const forwarded: Promise<unknown>[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const called = new Promise<number>((resolve) => {
      const off = host.on("model-call", () => {
        off();
        resolve(performance.now());
      });
    });
    const start = performance.now();
    // Posted, not awaited for its answer: the figure is the owner's reaction, not the poster's polling.
    forwarded.push(
      forwardControl(
        otherStore,
        { sessionKey: "cross", pluginId: "goal", verb: "resume", input: {}, sender: owner },
        { timeoutMs: 5_000 },
      ),
    );
    times.push((await called) - start);
    await host.send({ sessionKey: "cross", text: "/goal pause", sender: owner });
    await host.idle();
  }
  await Promise.all(forwarded);
  await host.close();
  await Promise.all([ownerStore.close(), otherStore.close()]);
  return percentiles(times);
}

export { startPostgres };
