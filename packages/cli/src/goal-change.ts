/** The goal changes a person can make from outside the process that runs the goal: `/goal` subcommands. */
export const controlVerbs = ["pause", "resume", "clear", "done", "edit", "wake"] as const;

/** One of {@link controlVerbs}. */
export type ControlVerb = (typeof controlVerbs)[number];

/** True if `verb` is a control verb. */
export function isControlVerb(verb: string): verb is ControlVerb {
  return (controlVerbs as readonly string[]).includes(verb);
}

/** What a change says: a note (or, for `edit`, the objective) and, for `resume`, the limits it grants on top. */
export interface GoalChange {
  /** SECURITY: a person's text, untrusted: it goes to the goal's log as data. */
  note?: string;
  /** SECURITY: a person's text, untrusted. */
  objective?: string;
  maxTurns?: number;
  budget?: number;
  timeMs?: number;
  maxWaitMs?: number;
}

/**
 * The `/goal` command a change stands for. Free text goes last, after a lone `--`, with its whitespace
 * collapsed: the goal command takes what follows `--` verbatim, so a note can never add a flag or another
 * line; numbers are written from the values their parsers checked.
 */
export function goalCommandText(verb: ControlVerb, change: GoalChange): string {
  const parts = [`/goal ${verb}`];
  if (verb === "resume") {
    const { maxTurns, budget, timeMs, maxWaitMs } = change;
    if (maxTurns !== undefined) parts.push(`--max-turns ${maxTurns}`);
    if (budget !== undefined) parts.push(`--budget ${budget}`);
    if (timeMs !== undefined) parts.push(`--time ${Math.ceil(timeMs / 1_000)}s`);
    if (maxWaitMs !== undefined) parts.push(`--max-wait ${Math.ceil(maxWaitMs / 1_000)}s`);
  }
  const words = (verb === "edit" ? change.objective : change.note)?.replace(/\s+/g, " ").trim();
  if (words && verb !== "clear") parts.push("--", words);
  return parts.join(" ");
}
