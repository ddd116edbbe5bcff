import { readStoredGoal, renderGoalEvents, renderGoalStatus } from "@goal-lease/goal-plugin";
import type { HostStore } from "@goal-lease/sdk";
import { type CliIo, writeLine } from "../cli-io.js";
import { openStore } from "../open-host.js";

/** `goal-lease status`: one session's goal in full, or a line per session that has a goal. */
export async function showStatus(io: CliIo, options: { session?: string; store?: string }): Promise<void> {
  await withStore(io, options.store, async (store) => {
    if (options.session) {
      const goal = await readStoredGoal(store, options.session);
      writeLine(
        io.stdout,
        goal ? renderGoalStatus(goal, Date.now()) : `No goal in session ${options.session}.`,
      );
      return;
    }
    const rows: string[] = [];
    for (const session of await store.listSessions()) {
      const goal = await readStoredGoal(store, session.sessionKey);
      if (!goal) continue;
      const used = `${goal.continuations}/${goal.limits.maxTurns}`;
      rows.push(
        `${session.sessionKey.padEnd(24)} ${goal.status.padEnd(16)} ${used.padEnd(7)} ${JSON.stringify(goal.objective.slice(0, 60))}`,
      );
    }
    writeLine(
      io.stdout,
      rows.length > 0 ? rows.join("\n") : 'No goals yet. Start one with: goal-lease run "<objective>"',
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
    if (!goal || !sessionKey) {
      writeLine(io.stdout, sessionKey ? `No goal in session ${sessionKey}.` : "No goals yet.");
      return;
    }
    writeLine(io.stdout, `session ${sessionKey}`);
    writeLine(io.stdout, renderGoalEvents(goal, options.count));
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
    for (const session of sessions) {
      const goal = await readStoredGoal(store, session.sessionKey);
      const created = new Date(session.createdAt).toISOString().slice(0, 16).replace("T", " ");
      const state = session.closedAt === undefined ? "open" : "closed";
      writeLine(
        io.stdout,
        `${session.sessionKey.padEnd(24)} ${created}  ${state.padEnd(6)} agent ${session.agentId.padEnd(8)} goal ${goal?.status ?? "-"}`,
      );
    }
  });
}

async function withStore(
  io: CliIo,
  storePath: string | undefined,
  work: (store: HostStore) => Promise<void>,
): Promise<void> {
  const { store } = openStore(storePath, io.env);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}
