import type { SessionContext } from "@goal-lease/sdk";
import type { GoalActions, GoalReply } from "../goal-actions.js";
import { limitsOf } from "../parse-args.js";
import { statusText } from "../status-text.js";
import { type GoalChange, goalUsage } from "./verbs.js";

/** Applies a change (or answers a read) on the context's session goal: the one action per verb. */
export async function runGoalVerb(
  actions: GoalActions,
  name: string,
  change: GoalChange,
  context: SessionContext,
): Promise<GoalReply> {
  switch (change.verb) {
    case "status":
      return { applied: true, reply: await actions.status(context, statusText) };
    case "events":
      return { applied: true, reply: await actions.events(context, change.input.count ?? 10) };
    case "help":
      return {
        applied: true,
        reply: `Goals keep the agent working across turns until done or a limit is hit.\n${goalUsage(name)}`,
      };
    case "start": {
      const { objective, ...limits } = change.input;
      return actions.start(context, objective, limitsOf(limits));
    }
    case "resume": {
      const { note = "", ...limits } = change.input;
      return actions.resume(context, note, limitsOf(limits));
    }
    case "pause":
    case "wake":
    case "done":
      return actions[change.verb](context, change.input.note ?? "");
    case "edit":
      return actions.edit(context, change.input.objective);
    case "clear":
      return actions.clear(context);
  }
}
