export type { GateName, Goal, GoalActor, GoalEvent, GoalLimits, GoalStatus } from "./goal.js";
export { maxObjectiveChars } from "./goal-command.js";
export { createGoalPlugin, defaultGoalLimits, type GoalPluginOptions } from "./goal-plugin.js";
export { maxNoteChars } from "./goal-status-tool.js";
export { GoalFormatError } from "./goal-store.js";
