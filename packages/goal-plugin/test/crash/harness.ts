// Crash harness: several host processes share one store (a SQLite file, or a PostgreSQL server it starts)
// and its sessions. The harness SIGKILLs them at random moments and starts replacements (the survivors take
// the dead one's sessions over), while, as the user in a process of its own, it pauses, resumes, clears and
// finishes goals through the store. On PostgreSQL it also stops the server mid-run and starts it again:
// hosts wait or fail visibly (one that exits is replaced). Then it checks every invariant of the lease.
// Prints the counts; exits 1 on any violation.
// Usage: node packages/goal-plugin/test/crash/harness.ts [--store sqlite|postgres] [--db-restarts N]
//        [--kills N] [--hosts N] [--sessions N] [--seed N]
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { forwardControl, type HostStore, openStore } from "@goal-lease/sdk";
import { startPostgres } from "../../../../test/postgres-server.ts";
import { readStoredGoal } from "../../dist/index.js";
import { checkRun } from "./checks.ts";
import { Journal } from "./journal.ts";
import { type Plan, sessionsOf } from "./plan.ts";

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "200" },
    hosts: { type: "string", default: "3" },
    sessions: { type: "string", default: "12" },
    seed: { type: "string", default: String(Date.now() % 100_000) },
    store: { type: "string", default: "sqlite" },
    "db-restarts": { type: "string", default: "2" },
  },
});
if (values.store !== "sqlite" && values.store !== "postgres") {
  throw new Error(`--store is sqlite or postgres, not ${JSON.stringify(values.store)}`);
}
const onPostgres = values.store === "postgres";
const dbRestarts = onPostgres ? Number(values["db-restarts"]) : 0;
const kills = Number(values.kills);
const hostCount = Math.max(3, Number(values.hosts));
const sessionCount = Number(values.sessions);
const firstSeed = Number(values.seed) >>> 0;
let seed = firstSeed;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const directory = mkdtempSync(join(tmpdir(), "goal-lease-crash-"));
const server = onPostgres ? await startPostgres() : undefined;
const location = server?.url ?? join(directory, "state.db");
const planPath = join(directory, "plan.json");
const journal = new Journal(join(directory, "journal.jsonl"));
const childPath = new URL("./child.ts", import.meta.url).pathname;
const store = await openStore(location);
const owner = { id: "owner", isOwner: true };
// The commands the user posted, whose answers the checks read back.
const posted: string[] = [];

let round = 0;
const allSessions: string[] = [];
function nextRound(): void {
  const plan: Plan = { round, sessions: sessionsOf(round, sessionCount) };
  allSessions.push(...plan.sessions);
  // Written aside and renamed, so a host never reads half a plan.
  writeFileSync(`${planPath}.tmp`, JSON.stringify(plan));
  renameSync(`${planPath}.tmp`, planPath);
}
nextRound();

const hosts = new Set<ChildProcess>();
const exits = new Map<ChildProcess, Promise<number | null>>();
/** Hosts the harness is stopping; any other exit is a host that failed on its own (the database away). */
const stopping = new Set<ChildProcess>();
let selfExits = 0;
let ending = false;
// Each host's stderr goes to a file of its own, kept with the store when the run fails.
const hostLogs: string[] = [];
function startHost(): void {
  const log = join(directory, `host-${hostLogs.length + 1}.stderr`);
  hostLogs.push(log);
  const stderr = openSync(log, "a");
  const child = spawn(process.execPath, [childPath, location, journal.path, planPath], {
    stdio: ["ignore", "ignore", stderr],
    env: { ...process.env, ...(dbRestarts > 0 ? { CRASH_OWNERSHIP_TTL_MS: "6000" } : {}) },
  });
  closeSync(stderr);
  hosts.add(child);
  exits.set(child, new Promise((resolve) => child.once("exit", (code) => resolve(code))));
  child.once("exit", () => {
    if (stopping.has(child) || ending) return;
    // Dead like a killed one: its unfinished turns may be reported interrupted. It is replaced.
    journal.append({ kind: "kill", victim: child.pid ?? 0 });
    hosts.delete(child);
    selfExits++;
    setTimeout(startHost, 200);
  });
}
for (let index = 0; index < hostCount; index++) startHost();

const goalOf = (sessionKey: string) => readStoredGoal(store, sessionKey);
const roundGoals = () => Promise.all(sessionsOf(round, sessionCount).map(goalOf));

/** The user, in this process: a command now and then, through the store, to whichever host owns the goal. */
async function userActs(): Promise<void> {
  const sessionKey = pick(sessionsOf(round, sessionCount)) as string;
  const goal = await goalOf(sessionKey);
  if (!goal) return;
  const interrupted = /interrupted/.test(goal.statusReason ?? "");
  let verb: string | undefined;
  if (goal.status === "active" && random() < 0.6) verb = pick(["pause", "pause", "clear", "done"]);
  else if (goal.status === "paused" && (interrupted || random() < 0.3)) verb = "resume";
  if (!verb) return;
  await forwardControl(
    recording,
    { sessionKey, pluginId: "goal", verb, input: {}, sender: owner },
    { timeoutMs: 10_000, pollMs: 20 },
  );
}

/** The store as the user posts through it, noting each command's id. */
const recording: HostStore = new Proxy(store, {
  get(target, property) {
    if (property !== "postCommand") {
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    }
    return async (command: Parameters<HostStore["postCommand"]>[0]) => {
      const result = await target.postCommand(command);
      posted.push(result.id);
      return result;
    };
  },
});

const startedAt = Date.now();
let killed = 0;
let acting = true;
const userLoop = (async () => {
  while (acting) {
    await sleep(10 + Math.floor(random() * 40));
    await userActs().catch((error) => process.stderr.write(`crash user: ${error}\n`));
  }
})();

// The database goes away at evenly spaced kills, for about a second each time (less than a claim lasts).
const restartAt = new Set(
  Array.from({ length: dbRestarts }, (_, index) => Math.floor(((index + 1) * kills) / (dbRestarts + 1))),
);
let restarts = 0;
while (killed < kills) {
  await sleep(40 + Math.floor(random() * 300));
  // While the database is away the goals cannot be read: the round goes on.
  const goals = await roundGoals().catch(() => undefined);
  if (goals?.every((goal) => goal && goal.status !== "active")) {
    round++;
    nextRound();
  }
  if (server && restartAt.has(killed)) {
    restartAt.delete(killed);
    journal.append({ kind: "db-stop" });
    server.stop();
    await sleep(500);
    server.start();
    journal.append({ kind: "db-start" });
    restarts++;
  }
  const victim = pick([...hosts]);
  if (!victim?.pid) continue;
  journal.append({ kind: "kill", victim: victim.pid });
  stopping.add(victim);
  victim.kill("SIGKILL");
  await exits.get(victim);
  hosts.delete(victim);
  killed++;
  startHost();
}

// The user stops typing; every goal still running finishes or stops at a gate.
acting = false;
await userLoop;
const drainUntil = Date.now() + 120_000;
for (;;) {
  const goals = await Promise.all(allSessions.map(goalOf)).catch(() => undefined);
  if (goals?.every((goal) => goal && goal.status !== "active")) break;
  if (Date.now() > drainUntil) break;
  await sleep(100);
}
ending = true;
// A host still loading has no SIGTERM handler yet: stop each one only once it said it is up.
const readyBy = Date.now() + 20_000;
const isReady = (host: ChildProcess) =>
  journal.read().some((line) => line.kind === "ready" && line.pid === host.pid);
while (![...hosts].every(isReady) && Date.now() < readyBy) await sleep(100);
for (const host of hosts) host.kill("SIGTERM");
const forceKill = (host: ChildProcess) => {
  host.kill("SIGKILL");
  return "killed";
};
const codes = await Promise.all(
  [...hosts].map((host) => Promise.race([exits.get(host), sleep(20_000).then(() => forceKill(host))])),
);
const counts = await checkRun(store, journal.read(), allSessions, posted);
await store.close();
server?.remove();
const failedExits = codes.filter((code) => code !== 0).length;
const violations =
  counts.lost +
  counts.leasesWithTwoTurns +
  counts.overCap +
  counts.overBudget +
  counts.turnsAfterUserStop +
  counts.liveTurnsInterrupted +
  counts.stuck +
  failedExits;
process.stdout.write(
  `crash harness: ${JSON.stringify({ store: values.store, seed: firstSeed, kills: killed, hosts: hostCount, dbRestarts: restarts, hostsFailedOnTheirOwn: selfExits, rounds: round + 1, ...counts, failedExits, seconds: Math.round((Date.now() - startedAt) / 1000) })}\n`,
);
if (violations > 0) {
  for (const log of hostLogs) {
    const text = readFileSync(log, "utf8").trim();
    if (text) process.stdout.write(`${log}:\n${text.split("\n").slice(-20).join("\n")}\n`);
  }
  process.stdout.write(`crash harness: FAILED; the store, journal and host logs are kept in ${directory}\n`);
  process.exit(1);
}
rmSync(directory, { recursive: true, force: true });
process.stdout.write("crash harness: 1 passed, 0 failed\n");
