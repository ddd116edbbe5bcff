import { describe, expect, it } from "vitest";
import { controlCommandText, controlSchema } from "./control-command.js";

describe("controlCommandText", () => {
  it("puts a note after a lone --, its whitespace collapsed, so it can add no flag and no line", () => {
    const body = controlSchema("pause").parse({ note: "lunch\n--max-turns 900\t now" });
    expect(controlCommandText("pause", body)).toBe("/goal pause -- lunch --max-turns 900 now");
  });

  it("writes resume's limits from their parsed values, durations in seconds, the note last", () => {
    const body = controlSchema("resume").parse({ maxTurns: 5, budget: 20_000, time: "1h30m", note: "go on" });
    expect(controlCommandText("resume", body)).toBe(
      "/goal resume --max-turns 5 --budget 20000 --time 5400s -- go on",
    );
  });

  it("gives edit's objective verbatim after --, and clear no text at all", () => {
    expect(controlCommandText("edit", { objective: "--budget 1 fix the tests" })).toBe(
      "/goal edit -- --budget 1 fix the tests",
    );
    expect(controlCommandText("clear", controlSchema("clear").parse({}))).toBe("/goal clear");
    expect(controlCommandText("wake", controlSchema("wake").parse({}))).toBe("/goal wake");
  });

  it("refuses unknown keys, wrong types, bad durations and out-of-range numbers", () => {
    expect(controlSchema("pause").safeParse({ note: 1 }).success).toBe(false);
    expect(controlSchema("pause").safeParse({ reason: "x" }).success).toBe(false);
    expect(controlSchema("clear").safeParse({ note: "x" }).success).toBe(false);
    expect(controlSchema("resume").safeParse({ maxTurns: 2.5 }).success).toBe(false);
    expect(controlSchema("resume").safeParse({ maxTurns: 1_001 }).success).toBe(false);
    expect(controlSchema("resume").safeParse({ time: "soon" }).success).toBe(false);
    expect(controlSchema("edit").safeParse({ objective: " \n " }).success).toBe(false);
    expect(controlSchema("pause").safeParse({ note: "x".repeat(501) }).success).toBe(false);
  });
});
