import type { GoalChange } from "./verbs.js";

/**
 * The chat text of a change for the goal command named `name`: the exact inverse of
 * {@link parseGoalCommand} (`parse(format(change))` is `change`). Flags come first, numbers as the schema
 * checked them; free text comes last, after a lone `--`, which the parser takes verbatim, so a note can
 * never add a flag.
 */
export function formatGoalCommand(name: string, change: GoalChange): string {
  const parts = [`/${name} ${change.verb}`];
  const input: Record<string, unknown> = change.input;
  if (input.maxTurns !== undefined) parts.push(`--max-turns ${input.maxTurns}`);
  if (input.budget !== undefined) parts.push(`--budget ${input.budget}`);
  if (input.time !== undefined) parts.push(`--time ${input.time}`);
  if (input.maxWait !== undefined) parts.push(`--max-wait ${input.maxWait}`);
  if (input.count !== undefined) parts.push(String(input.count));
  const text = input.objective ?? input.note;
  if (typeof text === "string") parts.push("--", text);
  return parts.join(" ");
}
