import { definePlugin, type PluginDefinition, type SessionContext } from "@goal-lease/sdk";
import type { GoalLimits } from "./goal.js";
import { GoalActions } from "./goal-actions.js";
import { GoalChecks } from "./goal-check/goal-checks.js";
import { goalCommand, goalControls } from "./goal-command.js";
import { GoalController } from "./goal-controller.js";
import { registerGoalHooks } from "./goal-hooks.js";
import { GoalNotifier } from "./goal-notify/goal-notifier.js";
import { registerNotifySweeps, registerNotifyTurnEnd } from "./goal-notify/notify-hooks.js";
import { goalStateLocation } from "./goal-reader.js";
import { goalStatusTool } from "./goal-status-tool.js";
import { GoalStore } from "./goal-store.js";
import { type GoalTelemetryOptions, GoalTraces } from "./goal-trace.js";

/** Options of {@link createGoalPlugin}. */
export interface GoalPluginOptions {
  /** The command's name; `goal` unless set (hosts with a built-in /goal may want another). */
  commandName?: string;
  /** Limits of a goal started without flags. */
  defaults?: Partial<GoalLimits>;
  /**
   * Tells the person when a goal stops on its own (`--notify`); one with no settings unless set, so only
   * goals that name a target are told, unsigned. Keep it to wait for its deliveries before exiting.
   */
  notifier?: GoalNotifier;
  /** Who may start, pause, resume, finish, edit or clear a goal; the session owner unless set. */
  authorize?: (context: SessionContext) => boolean;
  /** What the goal's OpenTelemetry spans say of a session: hashed unless `sessionKeys` is `plain`. */
  telemetry?: GoalTelemetryOptions;
  /** The folder a session's goal check runs in: the process's working folder unless set. */
  checkFolder?: (context: SessionContext) => string;
  /**
   * Whether a continuation that comes due while the session is idle starts then (true unless set). A host
   * that cannot wake an idle session (an agent run to completion, say) says false, and `wake` then tells
   * the person the continuation runs when the session's next turn ends.
   */
  wakesIdleSession?: (context: SessionContext) => boolean;
}

/** Limits used where {@link GoalPluginOptions.defaults} says nothing. */
export const defaultGoalLimits: GoalLimits = Object.freeze({
  maxTurns: 10,
  tokenBudget: 500_000,
  timeBudgetMs: 60 * 60 * 1_000,
});

/** The goal plugin: `/goal` commands, the `goal_status` tool and the hooks that enforce the gates. */
export function createGoalPlugin(options: GoalPluginOptions = {}): PluginDefinition {
  const commandName = options.commandName ?? "goal";
  const defaults = { ...defaultGoalLimits, ...options.defaults };
  const authorize = options.authorize ?? ((context: SessionContext) => context.sender.isOwner);
  return definePlugin({
    id: goalStateLocation.pluginId,
    register(api) {
      const notifier = options.notifier ?? new GoalNotifier();
      const traces = new GoalTraces(options.telemetry);
      const store = new GoalStore(api, traces.around(notifier));
      registerNotifySweeps(api, store, notifier);
      const controller = new GoalController(api, store, traces);
      const checks = new GoalChecks(controller, {
        cwd: options.checkFolder ?? (() => process.cwd()),
        background: (work) => api.background(work),
      });
      const actions = new GoalActions(controller, checks, defaults, commandName, options.wakesIdleSession);
      api.registerCommand(goalCommand(commandName, actions, authorize));
      for (const control of goalControls(commandName, actions, authorize)) api.registerControl(control);
      api.registerTool(goalStatusTool(controller, checks));
      registerGoalHooks(api, controller, checks);
      traces.register(api, store);
      registerNotifyTurnEnd(api, store, notifier);
    },
  });
}
