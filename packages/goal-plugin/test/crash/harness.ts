// Crash harness: runs host processes on one SQLite store, SIGKILLs them at random moments, restarts them,
// and then checks that nothing was lost or doubled. Prints the counts; exits 1 on any violation.
// Usage: node packages/goal-plugin/test/crash/harness.ts [--kills N] [--sessions N] [--seed N]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SqliteStore } from "@goal-lease/sdk";
import type { Goal } from "../../dist/index.js";
import { Journal } from "./journal.ts";

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "200" },
    sessions: { type: "string", default: "12" },
    seed: { type: "string", default: String(Date.now() % 100_000) },
  },
});
const kills = Number(values.kills);
const sessions = Number(values.sessions);
let seed = Number(values.seed);
const directory = mkdtempSync(join(tmpdir(), "goal-lease-crash-"));
const storePath = join(directory, "state.db");
const journalPath = join(directory, "journal.jsonl");
const child = new URL("./child.ts", import.meta.url).pathname;

// Each round is a fresh set of goals; a round ends when its host process finishes every goal.
let rounds = 0;
function start(): ChildProcess {
  return spawn(
    process.execPath,
    [child, storePath, journalPath, String(sessions), String(seed++), String(rounds)],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

function exited(process: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => process.once("exit", (code) => resolve(code)));
}

const startedAt = Date.now();
let killed = 0;
while (killed < kills) {
  const running = start();
  const exit = exited(running);
  const outcome = await Promise.race([
    exit.then((code) => ({ code })),
    new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), 40 + Math.floor(Math.random() * 400)),
    ),
  ]);
  if (outcome) {
    if (outcome.code !== 0) throw new Error(`a host process failed with exit code ${outcome.code}`);
    rounds++;
    continue;
  }
  running.kill("SIGKILL");
  await exit;
  killed++;
}
const last = start();
const lastExit = exited(last);
const timeout = setTimeout(() => last.kill("SIGKILL"), 120_000);
const code = await lastExit;
clearTimeout(timeout);

const store = SqliteStore.open(storePath);
const journal = new Journal(journalPath).read();
const counts = {
  kills: killed,
  rounds: rounds + 1,
  goals: 0,
  lost: 0,
  continuationTurns: 0,
  interruptedTurns: 0,
  leasesWithTwoTurns: 0,
  overCap: 0,
  overBudget: 0,
  turnsAfterUserStop: 0,
  stillActive: 0,
};
const sessionKeys = Array.from(
  { length: (rounds + 1) * sessions },
  (_, index) => `r${Math.floor(index / sessions)}-goal-${index % sessions}`,
);
for (const sessionKey of sessionKeys) {
  const goal = (await store.readState("goal", sessionKey, "goal"))?.value as unknown as Goal | undefined;
  if (!goal) {
    counts.lost++;
    continue;
  }
  counts.goals++;
  if (goal.status === "active") counts.stillActive++;
  const transcript = await store.readTranscript(sessionKey, { generation: 1, limit: 1_000_000 });
  const continuations = transcript.filter(
    (entry) => entry.message.role === "user" && entry.message.origin === "continuation",
  );
  counts.continuationTurns += continuations.length;
  counts.interruptedTurns += goal.events.filter(
    (event) => event.type === "status" && /interrupted/.test(event.reason),
  ).length;
  const perLease = new Map<string, number>();
  for (const entry of continuations)
    perLease.set(String(entry.leaseId), (perLease.get(String(entry.leaseId)) ?? 0) + 1);
  counts.leasesWithTwoTurns += [...perLease.values()].filter((count) => count > 1).length;
  if (continuations.length > goal.limits.maxTurns || goal.continuations > goal.limits.maxTurns)
    counts.overCap++;
  if (goal.tokensUsed > goal.limits.tokenBudget) counts.overBudget++;
  const stops = journal.filter(
    (entry) =>
      entry.sessionKey === sessionKey && /^Goal (paused|cleared|marked done)/.test(entry.reply ?? ""),
  );
  for (const stop of stops) {
    counts.turnsAfterUserStop += continuations.filter(
      (entry) => entry.at > (stop.repliedAt ?? Infinity),
    ).length;
  }
}
await store.close();
const violations =
  counts.lost +
  counts.leasesWithTwoTurns +
  counts.overCap +
  counts.overBudget +
  counts.turnsAfterUserStop +
  counts.stillActive;
process.stdout.write(
  `crash harness: ${JSON.stringify({ ...counts, finalExit: code, seconds: Math.round((Date.now() - startedAt) / 1000) })}\n`,
);
if (violations > 0 || code !== 0) {
  process.stdout.write(`crash harness: FAILED; the store and journal are kept in ${directory}\n`);
  process.exit(1);
}
rmSync(directory, { recursive: true, force: true });
process.stdout.write("crash harness: 1 passed, 0 failed\n");
