export { formatCount, formatDuration } from "./format.js";
export {
  type GateName,
  type Goal,
  type GoalActor,
  type GoalEvent,
  type GoalLimits,
  type GoalNotification,
  type GoalStatus,
  hasWakeTime,
  type NotificationState,
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
export {
  GoalNotifier,
  type GoalNotifierOptions,
  notifyAttemptTimeoutMs,
  notifyRetryDelayMs,
  notifyRetryWindowMs,
} from "./goal-notify/goal-notifier.js";
export {
  type NotifySettings,
  notifySettingsLocation,
  notifySettingsWithSecret,
  readNotifySettings,
  updateNotifySettings,
} from "./goal-notify/settings.js";
export { deliveryHeader, signatureHeader, signNotification, verifyNotification } from "./goal-notify/sign.js";
export type { GoalStopPayload } from "./goal-notify/stop-notice.js";
export { describeNotifyTarget, isNotifyTarget } from "./goal-notify/target.js";
export { createGoalPlugin, defaultGoalLimits, type GoalPluginOptions } from "./goal-plugin.js";
export { goalEvents, goalStateLocation, readStoredGoal, readStoredGoalEvents } from "./goal-reader.js";
export { maxNoteChars } from "./goal-status-tool.js";
export { GoalFormatError } from "./goal-store.js";
export { elapsedMs } from "./goal-turns.js";
export { ArgumentError, limitBounds, parseCount, parseDollars, parseDuration } from "./parse-args.js";
export { spendText } from "./spend-text.js";
export { eventsText as renderGoalEvents, statusText as renderGoalStatus } from "./status-text.js";
