import {
  formatDuration,
  hasWakeTime,
  readStoredGoal,
  readStoredGoalEvents,
  renderGoalEvents,
  renderGoalStatus,
} from "@goal-lease/goal-plugin";
import { formatUsd, GoalLeaseError, type HostStore } from "@goal-lease/sdk";
import { type CliIo, printable, writeLine } from "../cli-io.js";
import { openStore } from "../open-host.js";

/** `goal-lease status`: one session's goal in full, or a line per session that has a goal. */
export async function showStatus(io: CliIo, options: { session?: string; store?: string }): Promise<void> {
  await withStore(io, options.store, async (store) => {
    if (options.session) {
      const goal = await readStoredGoal(store, options.session);
      if (!goal) throw noGoal(options.session);
      writeLine(io.stdout, printable(renderGoalStatus(goal, Date.now())));
      return;
    }
    const rows: string[] = [];
    const now = Date.now();
    for (const session of await store.listSessions()) {
      const goal = await readStoredGoal(store, session.sessionKey);
      if (!goal) continue;
      const used = `${goal.continuations}/${goal.limits.maxTurns}`;
      const spent = compactSpend(goal);
      const status = hasWakeTime(goal)
        ? `${goal.status} ${formatDuration(Math.max(0, goal.wakeAt - now))}`
        : goal.status;
      const objective = printable(JSON.stringify(goal.objective.slice(0, 60)));
      rows.push(statusRow(session.sessionKey, status, used, spent, objective));
    }
    writeLine(
      io.stdout,
      rows.length > 0
        ? [statusRow("SESSION", "STATUS", "TURNS", "SPENT", "OBJECTIVE"), ...rows].join("\n")
        : 'No goals yet. Start one with: goal-lease run "<objective>"',
    );
  });
}

/** `goal-lease events`: the event log of one session's goal (the most recently changed one by default). */
export async function showEvents(
  io: CliIo,
  options: { session?: string; store?: string; count: number },
): Promise<void> {
  await withStore(io, options.store, async (store) => {
    let sessionKey = options.session;
    if (!sessionKey) {
      let latest = -1;
      for (const session of await store.listSessions()) {
        const goal = await readStoredGoal(store, session.sessionKey);
        if (goal && goal.updatedAt > latest) {
          latest = goal.updatedAt;
          sessionKey = session.sessionKey;
        }
      }
    }
    const goal = sessionKey ? await readStoredGoal(store, sessionKey) : undefined;
    if (sessionKey && !goal) throw noGoal(sessionKey);
    if (!goal || !sessionKey) {
      writeLine(io.stdout, "No goals yet.");
      return;
    }
    writeLine(io.stdout, `session ${sessionKey}`);
    const events = await readStoredGoalEvents(store, sessionKey, goal);
    writeLine(io.stdout, printable(renderGoalEvents(goal, events, options.count)));
  });
}

/** `goal-lease sessions`: every session in the store, with its goal's status. */
export async function showSessions(io: CliIo, options: { store?: string }): Promise<void> {
  await withStore(io, options.store, async (store) => {
    const sessions = await store.listSessions();
    if (sessions.length === 0) {
      writeLine(io.stdout, "No sessions yet. Start one with: goal-lease chat");
      return;
    }
    writeLine(io.stdout, sessionRow("SESSION", "CREATED (UTC)", "STATE", "AGENT", "GOAL"));
    for (const session of sessions) {
      const goal = await readStoredGoal(store, session.sessionKey);
      const created = new Date(session.createdAt).toISOString().slice(0, 16).replace("T", " ");
      const state = session.closedAt === undefined ? "open" : "closed";
      writeLine(
        io.stdout,
        sessionRow(session.sessionKey, created, state, session.agentId, goal?.status ?? "-"),
      );
    }
  });
}

// A goal that waits shows how long until it goes on: "waiting 9m 58s", "usage_limited 4m 59s".
const statusRow = (session: string, status: string, turns: string, spent: string, objective: string) =>
  `${session.padEnd(24)} ${status.padEnd(24)} ${turns.padEnd(7)} ${spent.padEnd(10)} ${objective}`;

const sessionRow = (session: string, created: string, state: string, agent: string, goal: string) =>
  `${session.padEnd(24)} ${created.padEnd(16)}  ${state.padEnd(6)} ${agent.padEnd(8)} ${goal}`;

/** A goal's spend in a column: `$0.42`, `$0.42+?` with turns on a model with no price, `unknown` with only those. */
function compactSpend(goal: { costUsd?: number; unpricedTurns?: number }): string {
  if (!goal.unpricedTurns) return formatUsd(goal.costUsd ?? 0);
  return goal.costUsd ? `${formatUsd(goal.costUsd)}+?` : "unknown";
}

function noGoal(sessionKey: string): GoalLeaseError {
  return new GoalLeaseError({
    code: "no_goal",
    message: `No goal in session ${JSON.stringify(sessionKey)}; goal-lease sessions lists the sessions.`,
  });
}

async function withStore(
  io: CliIo,
  storePath: string | undefined,
  work: (store: HostStore) => Promise<void>,
): Promise<void> {
  const { store } = await openStore(storePath, io.env);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}
