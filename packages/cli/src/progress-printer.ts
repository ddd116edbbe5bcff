import type { Writable } from "node:stream";
import { formatCount } from "@goal-lease/goal-plugin";
import type { ChalkInstance } from "chalk";
import { writeLine } from "./cli-io.js";
import type { ProgressEvent } from "./goal-progress.js";

/** Prints progress for a person: each continuation marked, the model's note, tokens, and how it stopped. */
export function printProgress(out: Writable, colour: ChalkInstance): (event: ProgressEvent) => void {
  return (event) => {
    switch (event.type) {
      case "continuation-start":
        writeLine(out, colour.cyan(`↻ continuation ${event.turn}/${event.cap}`));
        return;
      case "turn-end": {
        if (event.error) writeLine(out, colour.red(`  ${event.error}`));
        if (event.text.trim() !== "") writeLine(out, `  ${event.text.trim()}`);
        const goal = event.goal;
        if (event.kind === "continuation" && goal?.lastNote)
          writeLine(out, colour.dim(`  note: ${goal.lastNote}`));
        if (goal) {
          writeLine(
            out,
            colour.dim(
              `  ${formatCount(goal.tokensUsed)}/${formatCount(goal.tokenBudget)} tokens · ${goal.continuations}/${goal.maxTurns} continuations`,
            ),
          );
        }
        return;
      }
      case "goal-stopped": {
        const { goal } = event;
        const paint = goal.status === "done" ? colour.green : colour.yellow;
        writeLine(out, paint(`■ goal ${goal.status}${goal.stopReason ? `: ${goal.stopReason}` : ""}`));
      }
    }
  };
}

/** Prints progress for a script: one JSON object per line. */
export function printJson(out: Writable): (event: ProgressEvent) => void {
  return (event) => writeLine(out, JSON.stringify(event));
}
