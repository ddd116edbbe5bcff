import type { PluginApi } from "@goal-lease/sdk";
import type { GoalStore } from "../goal-store.js";
import type { GoalNotifier } from "./goal-notifier.js";

/**
 * A process that begins to serve a session sends the notification a crash left pending there: when the
 * session is ready (opened, taken over, its store back), or, for one taken over with a continuation still
 * pending, when that continuation comes due. Registered before the goal's own hooks, which may decline it.
 */
export function registerNotifySweeps(api: PluginApi, store: GoalStore, notifier: GoalNotifier): void {
  api.on("session-ready", (_event, context) => notifier.sweep(context, store));
  api.on("lease-admission", (_event, context) => {
    notifier.sweepOnce(context, store);
    return undefined;
  });
  api.on("turn-start", (event) => notifier.turnStarted(event.turnId));
}

/**
 * A stop made during a turn is sent when the turn ends, with the turn counted and charged. Registered after
 * the goal's own hooks, which do that.
 */
export function registerNotifyTurnEnd(api: PluginApi, store: GoalStore, notifier: GoalNotifier): void {
  api.on("turn-end", (_event, context) => notifier.turnEnded(context, store));
}
