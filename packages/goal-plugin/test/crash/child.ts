// One crash-run host process. It shares the store (a SQLite file or a PostgreSQL URL) with the other hosts, takes over the sessions of
// those that die (recovery "continuous"), opens the current round's sessions nobody owns and starts their
// goals, and applies the commands the harness (the user, in another process) sends. Runs until SIGTERM.
// Usage: node child.ts STORE JOURNAL PLAN
import { readFileSync } from "node:fs";
import { createHost, type Host, type HostStore, openStore, SessionOwnedError } from "@goal-lease/sdk";
import { createGoalPlugin } from "../../dist/index.js";
import { crashModel } from "./crash-model.ts";
import { Journal } from "./journal.ts";
import { crashLimits, ownershipTtlMs, type Plan } from "./plan.ts";

const [storePath = "", journalPath = "", planPath = ""] = process.argv.slice(2);
const owner = { id: "owner", isOwner: true };
const journal = new Journal(journalPath);
// Stopped by the harness at the end, possibly while still starting: close what there is, exit 0.
let host: Host | undefined;
let store: HostStore | undefined;
let loop: NodeJS.Timeout | undefined;
let stopping = false;
process.once("SIGTERM", async () => {
  stopping = true;
  clearInterval(loop);
  await host?.close();
  await store?.close();
  process.exit(0);
});
store = await openStore(storePath);
const started = await createHost({
  model: crashModel,
  store,
  plugins: [createGoalPlugin({ defaults: crashLimits })],
  recovery: "continuous",
  ownership: { ttlMs: ownershipTtlMs },
  inboxPollMs: 25,
});
host = started;
// The harness stops a host only once it is up: before that, a SIGTERM finds no handler yet (module loading).
journal.append({ kind: "ready" });
started.on("lease-admitted", ({ sessionKey, leaseId }) =>
  journal.append({ kind: "admitted", sessionKey, leaseId }),
);
started.on("lease-interrupted", ({ sessionKey, leaseId, reason }) =>
  journal.append({ kind: "interrupted", sessionKey, leaseId, reason }),
);
// For reading a failed run: sessions this host lost, and what went wrong in its background.
started.on("session-lost", ({ sessionKey }) => journal.append({ kind: "lost", sessionKey }));
started.on("host-error", ({ message }) => journal.append({ kind: "host-error", message }));

const opened = new Set<string>();
async function openAndStart(): Promise<void> {
  const plan = JSON.parse(readFileSync(planPath, "utf8")) as Plan;
  for (const [index, sessionKey] of plan.sessions.entries()) {
    if (opened.has(sessionKey)) continue;
    try {
      await started.openSession({ sessionKey });
    } catch (error) {
      if (error instanceof SessionOwnedError) continue; // another live host serves it
      throw error;
    }
    opened.add(sessionKey);
    if (await started.store.readState("goal", sessionKey, "goal")) continue;
    const text = `/goal start crash goal ${index} finishes at ${2 + (index % 7)}`;
    const result = await started.send({ sessionKey, text, sender: owner });
    journal.append({
      kind: "start",
      sessionKey,
      reply: result.kind === "command" ? result.command.reply : "",
    });
  }
}

// One pass at a time: a slow store must not have two passes open the same sessions at once.
let passing = false;
loop = setInterval(() => {
  if (stopping || passing) return;
  passing = true;
  void openAndStart()
    .catch((error) => process.stderr.write(`crash host: ${error}\n`))
    .finally(() => {
      passing = false;
    });
}, 50);
