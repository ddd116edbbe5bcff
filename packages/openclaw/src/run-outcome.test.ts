import { describe, expect, it } from "vitest";
import { runOutcome } from "./run-outcome.js";

const now = Date.parse("2026-12-06T10:00:00Z");
const failedCall = (errorMessage: string) => ({
  success: true,
  messages: [{ role: "user" }, { role: "assistant", stopReason: "error", errorMessage }],
});

describe("an OpenClaw run's end, as the turn it was", () => {
  it("a run that answered is completed", () => {
    expect(runOutcome({ success: true, messages: [{ role: "assistant", stopReason: "stop" }] }, now)).toEqual(
      {
        status: "completed",
      },
    );
  });

  it("a model call refused for a rate limit (reported as a run that succeeded) is a usage limit, with its retry time", () => {
    expect(
      runOutcome(failedCall("429 Rate limit reached for requests. Please try again in 20s."), now),
    ).toEqual({
      status: "error",
      kind: "usage_limited",
      message: "429 Rate limit reached for requests. Please try again in 20s.",
      retryAfterMs: 20_000,
    });
    expect(runOutcome(failedCall("You exceeded your current quota"), now)).toMatchObject({
      kind: "usage_limited",
    });
    expect(runOutcome(failedCall("You exceeded your current quota"), now)).not.toHaveProperty("retryAfterMs");
  });

  it("any other failure is a model error, its message bounded", () => {
    expect(runOutcome(failedCall("500 upstream error"), now)).toEqual({
      status: "error",
      kind: "model_error",
      message: "500 upstream error",
    });
    expect(runOutcome({ success: false, error: "x".repeat(5_000) }, now)).toMatchObject({
      kind: "model_error",
      message: "x".repeat(2_000),
    });
  });

  it("a run the person stopped is theirs: interrupted, never a model error", () => {
    expect(runOutcome({ success: false }, now)).toMatchObject({ status: "error", kind: "interrupted" });
    const aborted = { success: true, messages: [{ role: "assistant", stopReason: "aborted" }] };
    expect(runOutcome(aborted, now)).toMatchObject({ kind: "interrupted" });
  });

  it("reads nothing it cannot trust from what OpenClaw sent", () => {
    for (const messages of [
      null,
      "x",
      [null],
      [{ role: "assistant", stopReason: "error", errorMessage: 7 }],
    ]) {
      expect(runOutcome({ success: true, messages }, now).status).toMatch(/^(completed|error)$/);
    }
    expect(runOutcome({ success: false, error: 42 }, now)).toMatchObject({ kind: "interrupted" });
  });
});
