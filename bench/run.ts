// `pnpm bench`: every figure on the production host with an instant model, each against a baseline
// measured in this same run. Writes a table to stdout and every figure to .bench-results/<time>.json.
// `--smoke` runs tiny sizes in seconds (CI uses it to check the bench still runs).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MemoryStore, SqliteStore } from "../packages/sdk/dist/index.js";
import { measureDispatch, measureSetImmediate } from "./dispatch-latency.ts";
import { measureDurableWrites } from "./durable-writes.ts";
import { measureHookStart } from "./hook-start.ts";
import { round } from "./lib.ts";
import { measureIdleMemory, measureRecovery } from "./scale.ts";
import { measureBareLoop, measureThroughput } from "./throughput.ts";

const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false } } });
const size = values.smoke
  ? {
      continuations: 300,
      sessions: 50,
      turns: 5,
      idle: [500, 1_000],
      recovery: 2_000,
      writes: 1_000,
      hookStarts: 5,
    }
  : {
      continuations: 10_000,
      sessions: 1_000,
      turns: 20,
      idle: [10_000, 100_000],
      recovery: 100_000,
      writes: 20_000,
      hookStarts: 41,
    };
const directory = mkdtempSync(join(tmpdir(), "goal-lease-bench-"));
const rows: [string, string, string, string][] = [];
const figures: Record<string, unknown> = {};
const row = (name: string, value: string, baseline: string, goal: string) => {
  rows.push([name, value, baseline, goal]);
  process.stderr.write(`${name}: ${value} (${baseline}) ${goal}\n`);
};

const immediate = await measureSetImmediate(size.continuations);
figures.setImmediate = immediate;
for (const kind of ["memory", "sqlite"] as const) {
  const store = kind === "memory" ? new MemoryStore() : SqliteStore.open(join(directory, "latency.db"));
  const latency = await measureDispatch(store, size.continuations);
  await store.close();
  figures[`dispatch_${kind}`] = latency;
  row(
    `dispatch latency, ${kind} store (ms)`,
    `p50 ${round(latency.p50)} p99 ${round(latency.p99)} max ${round(latency.max)}`,
    `setImmediate p50 ${round(immediate.p50)} p99 ${round(immediate.p99)}; p99 ${round(latency.p99 / Math.max(immediate.p99, 0.001), 1)}x`,
    latency.p99 <= 2 ? "p99 <= 2 ms: met" : "p99 <= 2 ms: missed",
  );
}

const bare = await measureBareLoop(size.sessions, size.turns);
figures.bareLoop = bare;
for (const kind of ["memory", "sqlite"] as const) {
  const store = kind === "memory" ? new MemoryStore() : SqliteStore.open(join(directory, "throughput.db"));
  const result = await measureThroughput(store, size.sessions, size.turns);
  await store.close();
  figures[`throughput_${kind}`] = result;
  const overhead = bare.turnsPerSecond / result.turnsPerSecond;
  const goal =
    kind === "memory"
      ? `overhead <= 1.5x: ${overhead <= 1.5 ? "met" : "missed"}`
      : `>= 10,000 turns/s: ${result.turnsPerSecond >= 10_000 ? "met" : "missed"}`;
  row(
    `throughput ${size.sessions}x${size.turns}, ${kind} store`,
    `${Math.round(result.turnsPerSecond).toLocaleString("en-US")} turns/s`,
    `bare loop ${Math.round(bare.turnsPerSecond).toLocaleString("en-US")} turns/s; overhead ${round(overhead, 1)}x`,
    goal,
  );
}

for (const sessions of size.idle) {
  for (const kind of ["memory", "sqlite"] as const) {
    const result = await measureIdleMemory(sessions, kind, join(directory, `idle-${sessions}.db`));
    figures[`idle_${kind}_${sessions}`] = result;
    row(
      `heap per idle active goal, ${sessions.toLocaleString("en-US")} sessions, ${kind} store`,
      `${Math.round(result.bytesPerSession).toLocaleString("en-US")} B`,
      `${result.pending.toLocaleString("en-US")} leases pending`,
      result.bytesPerSession <= 2_048 ? "<= 2 KB: met" : "<= 2 KB: missed",
    );
  }
}

const recovery = await measureRecovery(size.recovery, join(directory, "recovery.db"));
figures.recovery = recovery;
row(
  `recover ${size.recovery.toLocaleString("en-US")} pending leases (s)`,
  `${round(recovery.seconds, 2)}`,
  "-",
  recovery.seconds <= 1 ? "<= 1 s: met" : "<= 1 s: missed",
);

const writes = await measureDurableWrites(size.writes, directory);
figures.durableWrites = writes;
row(
  "durable lease writes/s",
  `${Math.round(writes.storePerSecond).toLocaleString("en-US")}`,
  `raw node:sqlite ${Math.round(writes.rawPerSecond).toLocaleString("en-US")}; ratio ${round(writes.rawPerSecond / writes.storePerSecond, 2)}x`,
  "-",
);

const hook = await measureHookStart(size.hookStarts);
figures.hookStart = hook;
row(
  "`goal-lease hook` start, whole process (ms)",
  `median ${round(hook.hookMs, 1)}`,
  `\`node -e 0\` median ${round(hook.bareMs, 1)}; ratio ${round(hook.ratio, 2)}x`,
  hook.ratio <= 1.5 ? "<= 1.5x: met" : "<= 1.5x: missed",
);

rmSync(directory, { recursive: true, force: true });
const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
})();
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: round(totalmem() / 2 ** 30, 1),
  node: process.version,
};
const table = [
  "| figure | value | baseline (same run) | goal |",
  "|---|---|---|---|",
  ...rows.map((cells) => `| ${cells.join(" | ")} |`),
].join("\n");
process.stdout.write(
  `goal-lease bench${values.smoke ? " (smoke)" : ""} · commit ${commit} · node ${process.version} · ${machine.cpus} cpus\n\n${table}\n`,
);
mkdirSync(".bench-results", { recursive: true });
const file = join(".bench-results", `${new Date().toISOString().replaceAll(":", "-")}.json`);
writeFileSync(file, `${JSON.stringify({ commit, machine, smoke: values.smoke, size, figures }, null, 2)}\n`);
process.stdout.write(`\nfigures: ${file}\n`);
