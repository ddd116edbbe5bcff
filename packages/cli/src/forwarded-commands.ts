import {
  formatGoalCommand,
  type GoalChange,
  goalStateLocation,
  goalVerbs,
  isGoalVerb,
} from "@goal-lease/goal-plugin";
import type { Host } from "@goal-lease/sdk";
import type { ProgressEvent } from "./goal-progress.js";

/** What a session's process did with a command another process posted for it. */
export type ForwardedCommandEvent = Extract<ProgressEvent, { type: "command-forwarded" }>;

/**
 * Reports each command other processes posted for `sessionKey` as this host applies it. Subscribe before
 * opening the session: what is applied while it opens was queued before this process served it, and is held
 * back until `opened()`, so the person reads it after the banner and before anything this process does to
 * the goal. `heard()` counts the commands applied so far.
 */
export function hearForwardedCommands(
  host: Host,
  sessionKey: string,
  report: (event: ForwardedCommandEvent) => void,
): { opened(): void; heard(): number; stop(): void } {
  let held: ForwardedCommandEvent[] | undefined = [];
  let count = 0;
  const stop = host.on("command-forwarded", ({ sessionKey: key, pluginId, verb, input, reply, applied }) => {
    if (key !== sessionKey) return;
    count++;
    const event: ForwardedCommandEvent = {
      type: "command-forwarded",
      sessionKey,
      // As the person would have typed it: "done -- shipped by hand".
      change: pluginId === goalStateLocation.pluginId ? describeChange(verb, input) : `${pluginId} ${verb}`,
      reply,
      applied,
      queued: held !== undefined,
    };
    if (held) held.push(event);
    else report(event);
  });
  return {
    opened() {
      const earlier = held ?? [];
      held = undefined;
      for (const event of earlier) report(event);
    },
    heard: () => count,
    stop,
  };
}

/** A goal change as its chat text without the command's name, e.g. `done -- shipped by hand`. */
function describeChange(verb: string, input: unknown): string {
  const checked = isGoalVerb(verb) ? goalVerbs[verb].input.safeParse(input) : undefined;
  if (!checked?.success) return verb;
  return formatGoalCommand("goal", { verb, input: checked.data } as GoalChange).replace(/^\/goal /, "");
}
