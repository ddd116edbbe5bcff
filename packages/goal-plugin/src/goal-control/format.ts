import { formatFlags } from "./flags.js";
import type { GoalChange } from "./verbs.js";

/**
 * The chat text of a change for the goal command named `name`: the exact inverse of
 * {@link parseGoalCommand} (`parse(format(change))` is `change`). Flags come first, numbers as the schema
 * checked them and text quoted; free text comes last, after a lone `--`, which the reader takes verbatim,
 * so a note can never add a flag.
 */
export function formatGoalCommand(name: string, change: GoalChange): string {
  const input: Record<string, unknown> = change.input;
  const parts = [`/${name} ${change.verb}`, ...formatFlags(input)];
  if (input.count !== undefined) parts.push(String(input.count));
  const text = input.objective ?? input.note;
  if (typeof text === "string") parts.push("--", text);
  return parts.join(" ");
}
