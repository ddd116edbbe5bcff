export { formatCount, formatDuration } from "./format.js";
export {
  elapsedMs,
  type GateName,
  type Goal,
  type GoalActor,
  type GoalEvent,
  type GoalLimits,
  type GoalStatus,
  hasWakeTime,
} from "./goal.js";
export type { GoalReply } from "./goal-actions.js";
export { formatGoalCommand } from "./goal-control/format.js";
export { type ParsedGoalCommand, parseGoalCommand } from "./goal-control/parse.js";
export {
  type GoalChange,
  type GoalVerb,
  type GoalVerbInput,
  goalUsage,
  goalVerbs,
  isGoalVerb,
  isRemoteGoalVerb,
  maxChangeNoteChars,
  maxObjectiveChars,
  type RemoteGoalVerb,
  remoteGoalVerbs,
} from "./goal-control/verbs.js";
export { createGoalPlugin, defaultGoalLimits, type GoalPluginOptions } from "./goal-plugin.js";
export { goalEvents, goalStateLocation, readStoredGoal, readStoredGoalEvents } from "./goal-reader.js";
export { maxNoteChars } from "./goal-status-tool.js";
export { GoalFormatError } from "./goal-store.js";
export { ArgumentError, parseCount, parseDuration } from "./parse-args.js";
export { eventsText as renderGoalEvents, statusText as renderGoalStatus } from "./status-text.js";
