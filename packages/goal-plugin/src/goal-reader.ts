import type { HostStore } from "@goal-lease/sdk";
import type { Goal } from "./goal.js";

/** The plugin id and state key the goal lives under. */
export const goalStateLocation = Object.freeze({ pluginId: "goal", key: "goal" });

/** Reads a session's goal straight from a store, for tools that only look (status, events, sessions). */
export async function readStoredGoal(store: HostStore, sessionKey: string): Promise<Goal | undefined> {
  const entry = await store.readState(goalStateLocation.pluginId, sessionKey, goalStateLocation.key);
  const goal = entry?.value as unknown as Goal | undefined;
  return goal?.formatVersion === 1 ? goal : undefined;
}
