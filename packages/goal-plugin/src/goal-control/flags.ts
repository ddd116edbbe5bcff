import { ArgumentError, limitBounds, parseCount, parseDollars, parseDuration } from "../parse-args.js";

/** Which flags a verb takes, by group. */
export type FlagGroup = "limits" | "check" | "notify";

/** How a flag's value is written: a count, a duration, a (quoted) text, or nothing (a switch). */
type FlagValue =
  | { kind: "count"; max: number }
  | { kind: "dollars"; max: number }
  | { kind: "duration" }
  | { kind: "text" }
  | { kind: "switch" };

/** Every flag of the goal's verbs: the field of the change it sets, its group and its value. */
export const flags = {
  "--max-turns": { field: "maxTurns", group: "limits", value: { kind: "count", max: limitBounds.maxTurns } },
  "--budget": { field: "budget", group: "limits", value: { kind: "count", max: limitBounds.tokenBudget } },
  "--budget-usd": {
    field: "budgetUsd",
    group: "limits",
    value: { kind: "dollars", max: limitBounds.budgetUsd },
  },
  "--time": { field: "time", group: "limits", value: { kind: "duration" } },
  "--max-wait": { field: "maxWait", group: "limits", value: { kind: "duration" } },
  "--check": { field: "check", group: "check", value: { kind: "text" } },
  "--check-shell": { field: "checkShell", group: "check", value: { kind: "switch" } },
  "--check-timeout": { field: "checkTimeout", group: "check", value: { kind: "duration" } },
  "--notify": { field: "notify", group: "notify", value: { kind: "text" } },
} as const satisfies Record<string, { field: string; group: FlagGroup; value: FlagValue }>;

type FlagName = keyof typeof flags;

/** Parsed arguments: the free text and the flags' fields. */
export interface ParsedArgs {
  text: string;
  flags: Record<string, string | number | boolean>;
}

/** A text value written in double quotes, with JSON's escapes (how the writer quotes one). */
const quoted = /^"(?:[^"\\]|\\.)*"/;

/**
 * Reads free words and the flags of `groups` (any other flag is an error). A text value is one word, or a
 * double-quoted string with JSON's escapes. A lone `--` ends the flags: what follows is free text exactly
 * as written, `--words` and spacing included.
 */
export function parseArgs(args: string, groups: readonly FlagGroup[]): ParsedArgs {
  const words: string[] = [];
  const fields: ParsedArgs["flags"] = {};
  let rest = args.trimStart();
  while (rest !== "") {
    if (/^--(?:\s|$)/.test(rest)) {
      const verbatim = rest.slice(2).trim();
      return { text: [...words, verbatim].filter(Boolean).join(" "), flags: fields };
    }
    const token = /^\S+/.exec(rest)?.[0] ?? "";
    rest = rest.slice(token.length).trimStart();
    if (!token.startsWith("--")) {
      words.push(token);
      continue;
    }
    const flag = Object.hasOwn(flags, token) ? flags[token as FlagName] : undefined;
    if (!flag || !groups.includes(flag.group)) throw new ArgumentError(`unknown option ${token}`);
    if (flag.value.kind === "switch") {
      fields[flag.field] = true;
      continue;
    }
    const literal = flag.value.kind === "text" ? quoted.exec(rest)?.[0] : undefined;
    const value = literal ?? /^\S+/.exec(rest)?.[0];
    if (value === undefined || (literal === undefined && value.startsWith("--"))) {
      throw new ArgumentError(`${token} needs a value`);
    }
    rest = rest.slice(value.length).trimStart();
    fields[flag.field] = read(token, flag.value, literal === undefined ? value : JSON.parse(literal));
  }
  return { text: words.join(" "), flags: fields };
}

function read(flag: string, value: FlagValue, text: string): string | number {
  if (value.kind === "count") return parseCount(text, flag, value.max);
  if (value.kind === "dollars") return parseDollars(text, flag, value.max);
  if (value.kind === "duration") {
    parseDuration(text, flag);
    return text.toLowerCase();
  }
  return text;
}

/** The flags of a change's input as chat text, in the reader's terms: the exact inverse of {@link parseArgs}. */
export function formatFlags(input: Record<string, unknown>): string[] {
  const parts: string[] = [];
  for (const [name, flag] of Object.entries(flags)) {
    const value = input[flag.field];
    if (value === undefined || value === false) continue;
    if (flag.value.kind === "switch") parts.push(name);
    else if (flag.value.kind === "text") parts.push(`${name} ${JSON.stringify(value)}`);
    else parts.push(`${name} ${String(value)}`);
  }
  return parts;
}
