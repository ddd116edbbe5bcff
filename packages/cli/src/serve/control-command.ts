import { maxNoteChars, maxObjectiveChars, parseDuration } from "@goal-lease/goal-plugin";
import { z } from "zod";
import { type ControlVerb, goalCommandText } from "../goal-change.js";

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

/** The `/goal` command a verb and its validated body stand for (durations as the schema checked them). */
export function controlCommandText(verb: ControlVerb, body: ControlFields): string {
  const { note, objective, maxTurns, budget, time, maxWait } = body;
  return goalCommandText(verb, {
    note,
    objective,
    maxTurns,
    budget,
    timeMs: time === undefined ? undefined : parseDuration(time),
    maxWaitMs: maxWait === undefined ? undefined : parseDuration(maxWait),
  });
}
