import * as z from "zod/mini";
import { isNotifyTarget, maxNotifyTargetChars, notifyTargetProblem } from "../goal-notify/target.js";
import { limitBounds, parseDuration } from "../parse-args.js";

/** Longest objective a user may set. */
export const maxObjectiveChars = 4_000;
/** Most events `/goal events` shows. */
export const maxEventCount = 50;
/** Longest note a person may give with a change (as long as the model's own notes). */
export const maxChangeNoteChars = 500;

// Free text is trimmed, and an empty note is no note: every way of giving a change (chat, CLI, HTTP) ends
// up with the same value, so the chat text a change is written as reads back as exactly that change.
// zod's mini build: the dashboard's page loads these schemas too, and stays small.
const note = z.optional(
  z.pipe(
    z.string().check(z.maxLength(maxChangeNoteChars, `a note has at most ${maxChangeNoteChars} characters`)),
    z.transform((text: string) => text.trim() || undefined),
  ),
);
const objective = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, "needs an objective"),
    z.maxLength(maxObjectiveChars, `the objective has at most ${maxObjectiveChars} characters`),
  );
const count = (max: number) => z.int().check(z.minimum(1), z.maximum(max));
const duration = z.string().check(
  z.maxLength(20),
  z.trim(),
  z.toLowerCase(),
  z.refine((text) => isDuration(text), "expected a duration like 30m, 2h or 1h30m (at most 7d)"),
);
/** Longest check command a person may give. */
export const maxCheckChars = 2_000;

// The person's check: a command that must pass (exit 0) before the goal is done. Never the model's.
const check = {
  check: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1, "needs a command"),
        z.maxLength(maxCheckChars, `a check has at most ${maxCheckChars} characters`),
      ),
  ),
  checkShell: z.optional(
    z.pipe(
      z.boolean(),
      z.transform((shell: boolean) => shell || undefined),
    ),
  ),
  checkTimeout: z.optional(duration),
};

// Where the person is told when the goal stops on its own. Never the model's.
const notify = {
  notify: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.maxLength(maxNotifyTargetChars, `a notify target has at most ${maxNotifyTargetChars} characters`),
        z.refine(isNotifyTarget, notifyTargetProblem),
      ),
  ),
};

const limits = {
  maxTurns: z.optional(count(limitBounds.maxTurns)),
  budget: z.optional(count(limitBounds.tokenBudget)),
  budgetUsd: z.optional(z.number().check(z.positive(), z.maximum(limitBounds.budgetUsd, "at most $100,000"))),
  time: z.optional(duration),
  maxWait: z.optional(duration),
};

/**
 * Every `/goal` verb, once: its input's strict schema (what the chat command, the CLI verbs, the HTTP API
 * and the dashboard's forms accept alike), its usage line, whether it changes the goal (only the session's
 * owner may), and whether the CLI and the HTTP API offer it as a change of a goal another process runs.
 * Every verb travels between processes the same way: as data (plugin, verb, input), through the store.
 */
export const goalVerbs = {
  start: {
    synopsis:
      "start <objective> [--max-turns N] [--budget TOKENS] [--time DURATION] [--max-wait DURATION] [--budget-usd DOLLARS] [--check COMMAND] [--check-shell] [--check-timeout DURATION] [--notify URL|desktop]",
    args: "objective",
    flags: ["limits", "check", "notify"],
    about: "start a goal",
    changes: true,
    remote: false,
    input: z.strictObject({ objective, ...limits, ...check, ...notify }),
  },
  status: {
    synopsis: "[status]",
    args: "none",
    flags: [],
    about: "show the goal, its limits and what is left",
    changes: false,
    remote: false,
    input: z.strictObject({}),
  },
  pause: {
    synopsis: "pause [note]",
    args: "note",
    flags: [],
    about: "pause the goal; nothing runs until it is resumed",
    changes: true,
    remote: true,
    input: z.strictObject({ note }),
  },
  resume: {
    synopsis:
      "resume [note] [--max-turns N] [--budget TOKENS] [--time DURATION] [--max-wait DURATION] [--budget-usd DOLLARS] [--check COMMAND] [--check-shell] [--check-timeout DURATION] [--notify URL|desktop]",
    args: "note",
    flags: ["limits", "check", "notify"],
    about: "resume a stopped goal, granting more of each limit given",
    changes: true,
    remote: true,
    input: z.strictObject({ note, ...limits, ...check, ...notify }),
  },
  wake: {
    synopsis: "wake [note]",
    args: "note",
    flags: [],
    about: "end a waiting goal's wait (or a usage limit's back-off): its next continuation runs now",
    changes: true,
    remote: true,
    input: z.strictObject({ note }),
  },
  done: {
    synopsis: "done [note]",
    args: "note",
    flags: [],
    about: "mark the goal done",
    changes: true,
    remote: true,
    input: z.strictObject({ note }),
  },
  edit: {
    synopsis: "edit <objective> [--check COMMAND] [--check-shell] [--check-timeout DURATION]",
    args: "objective",
    flags: ["check"],
    about: "change the goal's objective",
    changes: true,
    remote: true,
    input: z.strictObject({ objective, ...check }),
  },
  clear: {
    synopsis: "clear",
    args: "none",
    flags: [],
    about: "drop the goal so a new one can start",
    changes: true,
    remote: true,
    input: z.strictObject({}),
  },
  events: {
    synopsis: "events [n]",
    args: "count",
    flags: [],
    about: "show the goal's last n events (10 unless given, at most 50)",
    changes: false,
    remote: false,
    input: z.strictObject({ count: z.optional(count(maxEventCount)) }),
  },
  help: {
    synopsis: "help",
    args: "ignored",
    flags: [],
    about: "show this usage",
    changes: false,
    remote: false,
    input: z.strictObject({}),
  },
} as const;

/**
 * What follows a verb in chat text: nothing; anything (ignored); a note or an objective (free text, taken
 * verbatim after a lone `--`); or a count. Its `flags` say which groups of flags may come first.
 */
export type VerbArgs = "none" | "ignored" | "note" | "objective" | "count";

/** One of the `/goal` verbs. */
export type GoalVerb = keyof typeof goalVerbs;

/** What a verb takes; its schema reads it as the canonical change (trimmed, lower-cased durations, no empty note). */
export type GoalVerbInput<Verb extends GoalVerb> = z.input<(typeof goalVerbs)[Verb]["input"]>;

/** A verb and its input: one change (or read) of a session's goal, however it was given. */
export type GoalChange = { [Verb in GoalVerb]: { verb: Verb; input: GoalVerbInput<Verb> } }[GoalVerb];

/** The changes the CLI's verbs and the HTTP API offer for a goal another process runs. */
export const remoteGoalVerbs = (Object.keys(goalVerbs) as GoalVerb[]).filter(
  (verb) => goalVerbs[verb].remote,
) as readonly RemoteGoalVerb[];

/** One of {@link remoteGoalVerbs}. */
export type RemoteGoalVerb = {
  [Verb in GoalVerb]: (typeof goalVerbs)[Verb]["remote"] extends true ? Verb : never;
}[GoalVerb];

/** True if `verb` names a `/goal` verb. */
export function isGoalVerb(verb: string): verb is GoalVerb {
  return Object.hasOwn(goalVerbs, verb);
}

/** True if another process may send `verb`. */
export function isRemoteGoalVerb(verb: string): verb is RemoteGoalVerb {
  return isGoalVerb(verb) && goalVerbs[verb].remote;
}

/** The usage lines of every verb, for the command named `name`. */
export function goalUsage(name: string): string {
  return Object.values(goalVerbs)
    .map((verb) => `/${name} ${verb.synopsis}`)
    .join("\n");
}

/** The usage line of one verb. */
export function goalVerbUsage(name: string, verb: GoalVerb): string {
  return `/${name} ${goalVerbs[verb].synopsis}`;
}

function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}
