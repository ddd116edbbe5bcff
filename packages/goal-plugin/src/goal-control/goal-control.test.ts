import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatGoalCommand } from "./format.js";
import { parseGoalCommand } from "./parse.js";
import { type GoalChange, type GoalVerb, goalUsage, goalVerbs } from "./verbs.js";

// Text a person (or another process) may send: any characters, flags and separators among them.
const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc
    .array(
      fc.constantFrom("--", "--max-turns", "5", "--budget", " ", "\n", "\t", "-- x", "\u009b", "é", "--time"),
      {
        maxLength: 8,
      },
    )
    .map((parts) => parts.join(" ")),
);
const duration = fc
  .tuple(fc.integer({ min: 1, max: 48 }), fc.constantFrom("s", "m", "h", "S", "M", "H"))
  .map(([amount, unit]) => `${amount}${unit}`)
  .filter((text) => !/^\d+s$/i.test(text) || Number.parseInt(text, 10) >= 1);
const limits = fc.record(
  {
    maxTurns: fc.integer({ min: 1, max: 1_000 }),
    budget: fc.integer({ min: 1, max: 100_000_000 }),
    time: duration,
    maxWait: duration,
  },
  { requiredKeys: [] },
);
const noteInput = fc.record({ note: hostile }, { requiredKeys: [] });
// The person's check: any command line, quotes, backslashes and `--` included.
const check = fc.record(
  {
    check: fc.oneof(hostile, fc.constantFrom('npm test -- --grep "a b"', 'make \\"x\\"', "sh -c 'exit 1'")),
    checkShell: fc.boolean(),
    checkTimeout: duration,
  },
  { requiredKeys: [] },
);

// Where the person is told: `desktop`, any web address (paths, queries and fragments), or anything at all.
const notify = fc.record(
  {
    notify: fc.oneof(
      fc.constant("desktop"),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      hostile,
    ),
  },
  { requiredKeys: [] },
);

/** Random changes of every verb, read by the verb's schema as any sender's would be. */
const changes: fc.Arbitrary<GoalChange> = fc
  .oneof(
    fc.record({
      verb: fc.constant("start"),
      input: fc.tuple(hostile, limits, notify).map(([objective, l, n]) => ({ objective, ...l, ...n })),
    }),
    fc.record({
      verb: fc.constant("resume"),
      input: fc.tuple(noteInput, limits, notify).map(([n, l, to]) => ({ ...n, ...l, ...to })),
    }),
    fc.record({ verb: fc.constantFrom("pause", "wake", "done"), input: noteInput }),
    fc.record({
      verb: fc.constant("edit"),
      input: fc.tuple(hostile, check).map(([objective, c]) => ({ objective, ...c })),
    }),
    fc.record({
      verb: fc.constant("events"),
      input: fc.record({ count: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: [] }),
    }),
    fc.record({ verb: fc.constantFrom("status", "clear", "help"), input: fc.constant({}) }),
  )
  .map(({ verb, input }) => {
    const checked = goalVerbs[verb as GoalVerb].input.safeParse(input);
    return checked.success ? ({ verb, input: checked.data } as GoalChange) : undefined;
  })
  .filter((change): change is GoalChange => change !== undefined);

/** What `/name args` reads as, through the SDK's split of a command line (trimmed, name then args). */
function reread(name: string, text: string) {
  const args = text
    .trim()
    .slice(name.length + 1)
    .trim();
  return parseGoalCommand(name, args);
}

describe("the goal's verbs, defined once", () => {
  it("reads back every change exactly as written, hostile notes and objectives included (1,000 random)", () => {
    fc.assert(
      fc.property(changes, fc.constantFrom("goal", "goal-lease", "objective"), (change, name) => {
        const text = formatGoalCommand(name, change);
        expect(reread(name, text)).toEqual({ change });
      }),
      { numRuns: 1_000, seed: 24 },
    );
  });

  it("writes a note after a lone --, so no note adds a flag", () => {
    const change: GoalChange = { verb: "pause", input: { note: "lunch --max-turns 900\nthen more" } };
    expect(formatGoalCommand("goal", change)).toBe("/goal pause -- lunch --max-turns 900\nthen more");
    expect(
      formatGoalCommand("goal-lease", {
        verb: "resume",
        input: { maxTurns: 5, budget: 20_000, time: "1h30m" },
      }),
    ).toBe("/goal-lease resume --max-turns 5 --budget 20000 --time 1h30m");
  });

  it("checks every sender's input with one strict schema per verb", () => {
    expect(goalVerbs.pause.input.safeParse({ note: 1 }).success).toBe(false);
    expect(goalVerbs.pause.input.safeParse({ reason: "x" }).success).toBe(false);
    expect(goalVerbs.clear.input.safeParse({ note: "x" }).success).toBe(false);
    expect(goalVerbs.resume.input.safeParse({ maxTurns: 2.5 }).success).toBe(false);
    expect(goalVerbs.resume.input.safeParse({ maxTurns: 1_001 }).success).toBe(false);
    expect(goalVerbs.resume.input.safeParse({ time: "soon" }).success).toBe(false);
    expect(goalVerbs.edit.input.safeParse({ objective: " \n " }).success).toBe(false);
    expect(goalVerbs.pause.input.safeParse({ note: "x".repeat(501) }).success).toBe(false);
    expect(goalVerbs.pause.input.parse({ note: "  " })).toEqual({});
    expect(goalVerbs.resume.input.parse({ time: " 1H30M " })).toEqual({ time: "1h30m" });
  });

  it("says what is wrong in one line with the verb's usage, whatever the command is named", () => {
    expect(parseGoalCommand("goal-lease", "resume --max-turns lots")).toEqual({
      verb: "resume",
      error:
        'Usage error: --max-turns needs a whole number from 1 to 1,000, not "lots". Usage: /goal-lease resume [note] [--max-turns N] [--budget TOKENS] [--time DURATION] [--max-wait DURATION] [--budget-usd DOLLARS] [--check COMMAND] [--check-shell] [--check-timeout DURATION] [--notify URL|desktop]',
    });
    expect(parseGoalCommand("goal", "launch")).toEqual({
      error: 'Usage error: unknown subcommand "launch". Type /goal help for the usage.',
    });
    expect(goalUsage("objective").split("\n")[0]).toBe(
      "/objective start <objective> [--max-turns N] [--budget TOKENS] [--time DURATION] [--max-wait DURATION] [--budget-usd DOLLARS] [--check COMMAND] [--check-shell] [--check-timeout DURATION] [--notify URL|desktop]",
    );
  });
});
