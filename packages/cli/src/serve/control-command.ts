import { maxNoteChars, maxObjectiveChars, parseDuration } from "@goal-lease/goal-plugin";
import { z } from "zod";

/** The control verbs the API and the page offer; each is a `/goal` subcommand. */
export const controlVerbs = ["pause", "resume", "clear", "done", "edit", "wake"] as const;

/** One of {@link controlVerbs}. */
export type ControlVerb = (typeof controlVerbs)[number];

/** True if `verb` is a control verb. */
export function isControlVerb(verb: string): verb is ControlVerb {
  return (controlVerbs as readonly string[]).includes(verb);
}

const note = z.string().max(maxNoteChars).optional();
const duration = z
  .string()
  .max(20)
  .refine(
    (value) => {
      try {
        parseDuration(value);
        return true;
      } catch {
        return false;
      }
    },
    { message: "expected a duration like 30m, 2h or 1h30m (at most 7d)" },
  );

/** The strict body schema of each verb: unknown keys and wrong types are refused, sizes bounded. */
export const controlSchemas = {
  pause: z.strictObject({ note }),
  done: z.strictObject({ note }),
  wake: z.strictObject({ note }),
  clear: z.strictObject({}),
  edit: z.strictObject({
    objective: z.string().max(maxObjectiveChars).regex(/\S/, { message: "expected a non-empty objective" }),
  }),
  resume: z.strictObject({
    note,
    maxTurns: z.int().min(1).max(1_000).optional(),
    budget: z.int().min(1).max(100_000_000).optional(),
    time: duration.optional(),
    maxWait: duration.optional(),
  }),
} satisfies Record<ControlVerb, z.ZodType>;

/** The fields of a validated control body; which of them a verb takes, its schema says. */
export interface ControlFields {
  /** SECURITY: a person's text, untrusted: it goes to the goal's log as data. */
  note?: string;
  /** SECURITY: a person's text, untrusted. */
  objective?: string;
  maxTurns?: number;
  budget?: number;
  time?: string;
  maxWait?: string;
}

/** The strict schema of `verb`'s body. */
export function controlSchema(verb: ControlVerb): z.ZodType<ControlFields> {
  return controlSchemas[verb];
}

/**
 * The `/goal` command a verb and its validated body stand for. Free text goes last, after a lone `--`,
 * with its whitespace collapsed: the goal command takes what follows `--` verbatim, so a note can never
 * add a flag or another line; numbers and durations are written from their parsed values.
 */
export function controlCommandText(verb: ControlVerb, body: ControlFields): string {
  const words = [`/goal ${verb}`];
  if (verb === "resume") {
    if (body.maxTurns !== undefined) words.push(`--max-turns ${body.maxTurns}`);
    if (body.budget !== undefined) words.push(`--budget ${body.budget}`);
    if (body.time !== undefined) words.push(`--time ${seconds(body.time)}`);
    if (body.maxWait !== undefined) words.push(`--max-wait ${seconds(body.maxWait)}`);
  }
  const text = (verb === "edit" ? body.objective : body.note) ?? "";
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat !== "") words.push(`-- ${flat}`);
  return words.join(" ");
}

function seconds(duration: string): string {
  return `${Math.round(parseDuration(duration) / 1_000)}s`;
}
