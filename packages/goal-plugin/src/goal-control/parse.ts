import { ArgumentError, parseCount } from "../parse-args.js";
import { parseArgs } from "./flags.js";
import {
  type GoalChange,
  type GoalVerb,
  goalVerbs,
  goalVerbUsage,
  isGoalVerb,
  maxEventCount,
  maxObjectiveChars,
} from "./verbs.js";

/** A `/goal` command line read: the change it asks for, or one line saying what is wrong and the usage. */
export type ParsedGoalCommand = { change: GoalChange } | { verb?: GoalVerb; error: string };

/** Splits a command's arguments into its verb (`status` when none) and the rest. */
export function splitVerb(args: string): { verb: string; rest: string } {
  const [, verb = "", rest = ""] = /^(\S*)\s*([\s\S]*)$/.exec(args.trim()) ?? [];
  return { verb: verb === "" ? "status" : verb.toLowerCase(), rest };
}

/**
 * Reads the arguments of the goal command named `name` (what follows `/name`) as a change, checked by the
 * verb's schema: the one reading of chat text, whatever the command is called in the host.
 */
export function parseGoalCommand(name: string, args: string): ParsedGoalCommand {
  const { verb, rest } = splitVerb(args);
  if (!isGoalVerb(verb))
    return { error: badUsage(name, undefined, `unknown subcommand "${verb.slice(0, 40)}"`) };
  try {
    const input = readInput(name, verb, rest);
    const checked = goalVerbs[verb].input.safeParse(input);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ArgumentError(`${issue?.path.join(".") || verb} ${issue?.message ?? "is not valid"}`);
    }
    return { change: { verb, input: checked.data } as GoalChange };
  } catch (error) {
    if (error instanceof ArgumentError) return { verb, error: badUsage(name, verb, error.message) };
    throw error;
  }
}

/** The verb's input as its chat text gives it, read by the kind of arguments its definition says it takes. */
function readInput(name: string, verb: GoalVerb, rest: string): Record<string, unknown> {
  const { args } = goalVerbs[verb];
  if (args === "ignored") return {};
  if (args === "none") {
    if (rest) throw new ArgumentError(`"${verb}" takes no arguments`);
    return {};
  }
  if (args === "count") return rest ? { count: parseCount(rest, verb, maxEventCount) } : {};
  const { text, flags } = parseArgs(rest, goalVerbs[verb].flags);
  if (args === "objective") return { objective: checkedObjective(text, name, verb), ...flags };
  return { ...(text ? { note: text } : {}), ...flags };
}

function checkedObjective(text: string, name: string, verb: GoalVerb): string {
  if (text === "")
    throw new ArgumentError(`${verb} needs an objective, e.g. /${name} ${verb} fix the failing tests`);
  if (text.length > maxObjectiveChars) {
    throw new ArgumentError(`the objective has ${text.length} characters; the limit is ${maxObjectiveChars}`);
  }
  return text;
}

/** One line: the problem, then the verb's own usage (or where to find all of it). */
export function badUsage(name: string, verb: GoalVerb | undefined, problem: string): string {
  const line = verb ? goalVerbUsage(name, verb) : undefined;
  return `Usage error: ${problem}. ${line ? `Usage: ${line}` : `Type /${name} help for the usage.`}`;
}
