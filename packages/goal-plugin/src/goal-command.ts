import type { CommandDefinition, ControlDefinition, SessionContext } from "@goal-lease/sdk";
import type { GoalActions } from "./goal-actions.js";
import { parseGoalCommand, splitVerb } from "./goal-control/parse.js";
import { runGoalVerb } from "./goal-control/run-verb.js";
import { type GoalChange, type GoalVerb, goalVerbs, isGoalVerb } from "./goal-control/verbs.js";

/** The `/goal` command: reads a change from chat text, checks who may make it, and applies it. */
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
      const { verb } = splitVerb(args);
      if (isGoalVerb(verb) && goalVerbs[verb].changes && !authorize(context)) return ownerOnly(name, verb);
      const parsed = parseGoalCommand(name, args);
      if ("error" in parsed) return parsed.error;
      return (await runGoalVerb(actions, name, parsed.change, context)).reply;
    },
  };
}

/**
 * Every verb as a control another process may send, as data (plugin, verb, input): each checked by its
 * verb's schema, whatever the goal command is named in the host that runs the goal.
 */
export function goalControls(
  name: string,
  actions: GoalActions,
  authorize: (context: SessionContext) => boolean,
): ControlDefinition[] {
  return (Object.keys(goalVerbs) as GoalVerb[]).map((verb) => ({
    name: verb,
    description: goalVerbs[verb].about,
    input: goalVerbs[verb].input,
    async execute(input: unknown, context: SessionContext) {
      if (goalVerbs[verb].changes && !authorize(context))
        return { applied: false, reply: ownerOnly(name, verb) };
      return runGoalVerb(actions, name, { verb, input } as GoalChange, context);
    },
  }));
}

function ownerOnly(name: string, verb: string): string {
  return `Only the session owner can ${verb} the goal. Ask them, or use /${name} status.`;
}
