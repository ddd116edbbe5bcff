import type { SessionContext } from "@goal-lease/sdk";
import type { GoalActions, GoalReply } from "../goal-actions.js";
import type { CheckChange } from "../goal-check/check-change.js";
import { limitsOf, parseDuration } from "../parse-args.js";
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
      const { objective, ...rest } = change.input;
      return actions.start(context, objective, limitsOf(rest), checkOf(rest), rest.notify);
    }
    case "resume": {
      const { note = "", ...rest } = change.input;
      return actions.resume(context, note, limitsOf(rest), checkOf(rest), rest.notify);
    }
    case "pause":
    case "wake":
    case "done":
      return actions[change.verb](context, change.input.note ?? "");
    case "edit":
      return actions.edit(context, change.input.objective, checkOf(change.input));
    case "clear":
      return actions.clear(context);
  }
}

/** The check a change gives (a command, how it runs), if it says anything of one. */
function checkOf(input: {
  check?: string;
  checkShell?: boolean;
  checkTimeout?: string;
}): CheckChange | undefined {
  const { check, checkShell, checkTimeout } = input;
  if (check === undefined && checkShell === undefined && checkTimeout === undefined) return undefined;
  return {
    ...(check === undefined ? {} : { command: check }),
    ...(checkShell === undefined ? {} : { shell: checkShell }),
    ...(checkTimeout === undefined ? {} : { timeoutMs: parseDuration(checkTimeout, "--check-timeout") }),
  };
}
