// `@goal-lease/goal-plugin/control`: the goal's verbs, their schemas, usage lines, reader and writer, with no
// host code, so a page in a browser or a tool that only sends changes loads just this.
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
export { ArgumentError, limitBounds, parseCount, parseDuration } from "./parse-args.js";
