import { definePlugin, type PluginDefinition, type SessionContext } from "@goal-lease/sdk";
import type { GoalLimits } from "./goal.js";
import { GoalActions } from "./goal-actions.js";
import { GoalChecks } from "./goal-check/goal-checks.js";
import { goalCommand, goalControls } from "./goal-command.js";
import { GoalController } from "./goal-controller.js";
import { registerGoalHooks } from "./goal-hooks.js";
import { goalStateLocation } from "./goal-reader.js";
import { goalStatusTool } from "./goal-status-tool.js";
import { GoalStore } from "./goal-store.js";

/** Options of {@link createGoalPlugin}. */
export interface GoalPluginOptions {
  /** The command's name; `goal` unless set (hosts with a built-in /goal may want another). */
  commandName?: string;
  /** Limits of a goal started without flags. */
  defaults?: Partial<GoalLimits>;
  /** Who may start, pause, resume, finish, edit or clear a goal; the session owner unless set. */
  authorize?: (context: SessionContext) => boolean;
  /** The folder a goal's check runs in: the process's working folder unless set. */
  checkFolder?: () => string;
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
      const controller = new GoalController(api, new GoalStore(api));
      const checks = new GoalChecks(controller, { cwd: options.checkFolder ?? (() => process.cwd()) });
      const actions = new GoalActions(controller, checks, defaults, commandName);
      api.registerCommand(goalCommand(commandName, actions, authorize));
      for (const control of goalControls(commandName, actions, authorize)) api.registerControl(control);
      api.registerTool(goalStatusTool(controller, checks));
      registerGoalHooks(api, controller, checks);
    },
  });
}
