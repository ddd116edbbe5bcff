import { formatCount, formatDuration } from "@goal-lease/goal-plugin";
import { formatUsd } from "@goal-lease/sdk";
import type { ChalkInstance } from "chalk";
import { printable } from "./cli-io.js";
import type { ProgressEvent, ProgressGoal } from "./goal-progress.js";

/** Prints progress for a person: each continuation marked, the model's note, tokens, and how it stopped. */
export function printProgress(
  say: (line: string) => void,
  colour: ChalkInstance,
): (event: ProgressEvent) => void {
  return (event) => {
    switch (event.type) {
      case "continuation-start":
        say(colour.cyan(`↻ continuation ${event.turn}/${event.cap}`));
        return;
      case "turn-end": {
        if (event.error) say(colour.red(`  ${printable(event.error)}`));
        const text = event.text.trim();
        if (text !== "") say(`  ${printable(text)}`);
        const goal = event.goal;
        // A turn that ended without a report has its closing words as the note: printed once.
        if (event.kind === "continuation" && goal?.lastNote && goal.lastNote !== text)
          say(colour.dim(`  note: ${printable(goal.lastNote)}`));
        if (goal) {
          const dollars =
            goal.budgetUsd === undefined ? goal.spend : `${goal.spend}/${formatUsd(goal.budgetUsd)}`;
          say(
            colour.dim(
              `  ${formatCount(goal.tokensUsed)}/${formatCount(goal.tokenBudget)} tokens · ${dollars} · ${goal.continuations}/${goal.maxTurns} continuations`,
            ),
          );
          if (goal.wakeInMs !== undefined) say(colour.cyan(waitLine(goal, goal.wakeInMs)));
        }
        return;
      }
      case "goal-stopped": {
        const { goal } = event;
        const paint = goal.status === "done" ? colour.green : colour.yellow;
        say(paint(`■ goal ${goal.status}${goal.stopReason ? `: ${printable(goal.stopReason)}` : ""}`));
        return;
      }
      case "command-forwarded": {
        const source = event.queued ? "queued earlier" : "from another process";
        say(colour.yellow(`${source}: ${printable(event.change)} → ${printable(event.reply)}`));
      }
    }
  };
}

/** `⏸ goal waiting: wakes in 10m 00s ("CI to finish")`: a goal that goes on by itself later. */
export function waitLine(goal: ProgressGoal, wakeInMs: number): string {
  const when = `${goal.status === "waiting" ? "wakes" : "retries"} in ${formatDuration(wakeInMs)}`;
  return `⏸ goal ${goal.status}: ${when}${goal.stopReason ? ` (${printable(JSON.stringify(goal.stopReason))})` : ""}`;
}

/** Prints progress for a script: one JSON object per line (still safe to show on a terminal). */
export function printJson(say: (line: string) => void): (event: ProgressEvent) => void {
  return (event) => say(printable(JSON.stringify(event)));
}
