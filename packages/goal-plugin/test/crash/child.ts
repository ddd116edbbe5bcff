// One life of a crash-harness host: opens the SQLite store, plays the user (starting goals, re-sending
// commands a kill cut off, stopping some goals, resuming interrupted ones) and runs until no goal is active.
// Usage: node child.ts STORE JOURNAL SESSIONS SEED ROUND
import { randomUUID } from "node:crypto";
import { createHost, SqliteStore } from "@goal-lease/sdk";
import { createGoalPlugin, type Goal } from "../../dist/index.js";
import { crashModel } from "./crash-model.ts";
import { Journal } from "./journal.ts";

const [storePath = "", journalPath = "", sessionsArg = "8", seedArg = "1", round = "0"] =
  process.argv.slice(2);
const sessionKeys = Array.from({ length: Number(sessionsArg) }, (_, index) => `r${round}-goal-${index}`);
const owner = { id: "owner", isOwner: true };
let seed = Number(seedArg) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const store = SqliteStore.open(storePath);
const journal = new Journal(journalPath);
const host = await createHost({
  model: crashModel,
  store,
  plugins: [createGoalPlugin({ defaults: { maxTurns: 6, tokenBudget: 10_000_000 } })],
});

async function command(sessionKey: string, text: string, id: string = randomUUID()): Promise<void> {
  journal.sent({ id, sessionKey, text });
  const result = await host.send({ sessionKey, text, sender: owner });
  journal.replied(id, result.kind === "command" ? result.command.reply : "turn");
}

const goalOf = async (sessionKey: string) =>
  (await store.readState("goal", sessionKey, "goal"))?.value as unknown as Goal | undefined;
const history = journal.read();
const userStopped = new Set(
  history.filter((entry) => /^\/goal (pause|clear|done)/.test(entry.text)).map((entry) => entry.sessionKey),
);

for (const sessionKey of sessionKeys) await host.openSession({ sessionKey });
// What a person does after a crash: send again what got no answer.
for (const entry of history.filter(
  (item) => item.repliedAt === undefined && sessionKeys.includes(item.sessionKey),
)) {
  await command(entry.sessionKey, entry.text, entry.id);
}
const started = await store.listStartedLeases();
for (const [index, sessionKey] of sessionKeys.entries()) {
  const goal = await goalOf(sessionKey);
  if (!goal) {
    await command(sessionKey, `/goal start crash goal ${index} finishes at ${2 + (index % 7)}`);
    continue;
  }
  const lastStatus = goal.events.findLast((event) => event.type === "status");
  const interrupted =
    lastStatus?.type === "status" && lastStatus.by === "gate" && /interrupted/.test(lastStatus.reason);
  const stranded =
    goal.status === "active" &&
    !(await store.getLease({ pluginId: "goal", sessionKey, leaseKey: `goal.${goal.id}` }));
  const running = started.some((lease) => lease.sessionKey === sessionKey);
  if (!userStopped.has(sessionKey) && ((goal.status === "paused" && interrupted) || (stranded && !running))) {
    await command(sessionKey, "/goal resume");
  }
}
if (random() < 0.3) {
  const victim = sessionKeys[Math.floor(random() * sessionKeys.length)] ?? "goal-0";
  const verb = ["pause", "clear", "done"][Math.floor(random() * 3)];
  setTimeout(() => void command(victim, `/goal ${verb}`), Math.floor(random() * 100));
}

const timer = setInterval(async () => {
  const goals = await Promise.all(sessionKeys.map(goalOf));
  if (!host.isIdle() || goals.some((goal) => goal?.status === "active")) return;
  clearInterval(timer);
  await host.close();
  await store.close();
  process.exit(0);
}, 20);
