import type { CommandDefinition, SessionContext } from "@goal-lease/sdk";
import type { GoalActions } from "./goal-actions.js";
import { ArgumentError, parseArgs, parseCount } from "./parse-args.js";
import { statusText } from "./status-text.js";

/** Longest objective a user may set. */
export const maxObjectiveChars = 4_000;

const changing = new Set(["start", "pause", "resume", "wake", "done", "edit", "clear"]);

/** The usage lines of every subcommand. */
export function usage(name: string): string {
  return [
    `/${name} start <objective> [--max-turns N] [--budget TOKENS] [--time DURATION] [--max-wait DURATION]`,
    `/${name} [status]`,
    `/${name} pause [note]`,
    `/${name} resume [note] [--max-turns N] [--budget TOKENS] [--time DURATION] [--max-wait DURATION]`,
    `/${name} wake [note]`,
    `/${name} done [note]`,
    `/${name} edit <objective>`,
    `/${name} clear`,
    `/${name} events [n]`,
    `/${name} help`,
  ].join("\n");
}

/** The `/goal` command: dispatches subcommands, checks who may change the goal, turns bad input into usage. */
export function goalCommand(
  name: string,
  actions: GoalActions,
  authorize: (context: SessionContext) => boolean,
): CommandDefinition {
  return {
    name,
    description: "Keep working toward a goal across turns, within hard limits.",
    access: "anyone",
    async execute(args, context) {
      const [, subcommand = "status", rest = ""] = /^(\S*)\s*([\s\S]*)$/.exec(args.trim()) ?? [];
      const sub = subcommand === "" ? "status" : subcommand.toLowerCase();
      if (changing.has(sub) && !authorize(context)) {
        return `Only the session owner can ${sub} the goal. Ask them, or use /${name} status.`;
      }
      try {
        switch (sub) {
          case "status":
            return rest
              ? badUsage(name, sub, `"status" takes no arguments`)
              : actions.status(context, statusText);
          case "help":
            return `Goals keep the agent working across turns until done or a limit is hit.\n${usage(name)}`;
          case "events": {
            const count = rest ? parseCount(rest, "events", 50) : 10;
            return actions.events(context, count);
          }
          case "start": {
            const { text, flags } = parseArgs(rest, true);
            checkObjective(text, name, "start");
            return actions.start(context, text, flags);
          }
          case "resume": {
            const { text, flags } = parseArgs(rest, true);
            return actions.resume(context, text, flags);
          }
          case "pause":
          case "wake":
          case "done":
            return actions[sub](context, parseArgs(rest, false).text);
          case "edit": {
            const { text } = parseArgs(rest, false);
            checkObjective(text, name, "edit");
            return actions.edit(context, text);
          }
          case "clear":
            return rest ? badUsage(name, sub, `"clear" takes no arguments`) : actions.clear(context);
          default:
            return badUsage(name, undefined, `unknown subcommand "${sub.slice(0, 40)}"`);
        }
      } catch (error) {
        if (error instanceof ArgumentError) return badUsage(name, sub, error.message);
        throw error;
      }
    },
  };
}

function checkObjective(text: string, name: string, sub: string): void {
  if (text === "")
    throw new ArgumentError(`${sub} needs an objective, e.g. /${name} ${sub} fix the failing tests`);
  if (text.length > maxObjectiveChars) {
    throw new ArgumentError(`the objective has ${text.length} characters; the limit is ${maxObjectiveChars}`);
  }
}

// One line: the problem, then the subcommand's own usage (or where to find all of it).
function badUsage(name: string, sub: string | undefined, problem: string): string {
  const line = sub
    ? usage(name)
        .split("\n")
        .find((entry) => entry.startsWith(`/${name} ${sub}`))
    : undefined;
  return `Usage error: ${problem}. ${line ? `Usage: ${line}` : `Type /${name} help for the usage.`}`;
}
