import { type Goal, type GoalEvent, goalStateLocation, readStoredGoalEvents } from "@goal-lease/goal-plugin";
import type { HostStore } from "@goal-lease/sdk";
import { type GoalSummary, summarizeGoal } from "./goal-summary.js";

/** A session's goal with its store version, or undefined when the session has no goal. */
export async function readVersionedGoal(
  store: HostStore,
  session: string,
): Promise<{ goal: Goal; version: number } | undefined> {
  const { pluginId, key } = goalStateLocation;
  const entry = await store.readState(pluginId, session, key);
  const goal = entry?.value as unknown as Goal | undefined;
  return entry && goal?.formatVersion === 1 ? { goal, version: entry.version } : undefined;
}

/** A session's goal in full: its summary and its event log (oldest first). */
export async function readGoalDetail(
  store: HostStore,
  session: string,
): Promise<{ summary: GoalSummary; events: GoalEvent[] } | undefined> {
  const read = await readVersionedGoal(store, session);
  if (!read) return undefined;
  const events = await readStoredGoalEvents(store, session, read.goal);
  return { summary: summarizeGoal(session, read.version, read.goal, events, Date.now()), events };
}

/** Every session's goal, most recently changed first. */
export async function readGoalSummaries(store: HostStore): Promise<GoalSummary[]> {
  const summaries: GoalSummary[] = [];
  for (const session of await store.listSessions()) {
    const detail = await readGoalDetail(store, session.sessionKey);
    if (detail) summaries.push(detail.summary);
  }
  return summaries.sort((a, b) => b.updatedAt - a.updatedAt);
}
