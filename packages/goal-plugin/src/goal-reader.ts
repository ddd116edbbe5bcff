import { type HostStore, type JsonValue, maxLogEntries } from "@goal-lease/sdk";
import type { Goal, GoalEvent, LegacyGoalFields, LoggedGoalEvent } from "./goal.js";

/** The plugin id and state key the goal lives under; its event log is the log of the same key. */
export const goalStateLocation = Object.freeze({ pluginId: "goal", key: "goal" });

/** Reads a session's goal straight from a store, for tools that only look (status, events, sessions). */
export async function readStoredGoal(store: HostStore, sessionKey: string): Promise<Goal | undefined> {
  const entry = await store.readState(goalStateLocation.pluginId, sessionKey, goalStateLocation.key);
  const goal = entry?.value as unknown as Goal | undefined;
  return goal?.formatVersion === 1 ? goal : undefined;
}

/** Reads a goal's events straight from a store, oldest first: those still kept of the last 1,000. */
export async function readStoredGoalEvents(
  store: HostStore,
  sessionKey: string,
  goal: Goal,
): Promise<GoalEvent[]> {
  const { pluginId, key } = goalStateLocation;
  return goalEvents(goal, await store.readLog(pluginId, sessionKey, key, { limit: maxLogEntries }));
}

/** A goal's events: those its record still carries, then its entries of the session's log. */
export function goalEvents(goal: Goal, log: readonly JsonValue[]): GoalEvent[] {
  const logged = (log as unknown as LoggedGoalEvent[]).filter((entry) => entry?.goalId === goal.id);
  return [...legacyEvents(goal), ...logged].map((entry) => {
    const { goalId: _, ...event } = entry;
    return event as GoalEvent;
  });
}

/** The events a goal stored before the log moved out still carries in its record, as log entries. */
export function legacyEvents(goal: Goal): LoggedGoalEvent[] {
  const events = (goal as LegacyGoalFields).events;
  return Array.isArray(events) ? events.map((event) => ({ ...event, goalId: goal.id })) : [];
}
