import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claudeCode, codex } from "./agent-dialect.js";
import { transcriptLength } from "./transcript-usage.js";

/** A transcript file of its own, empty. */
function transcript(): string {
  const path = join(mkdtempSync(join(tmpdir(), "goal-lease-transcript-")), "t.jsonl");
  writeFileSync(path, "");
  return path;
}

const appendLine = (path: string, line: object) => appendFileSync(path, `${JSON.stringify(line)}\n`);

describe("transcript usage", () => {
  it("counts each assistant message once, after the turn's start, cache tokens as input", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "goal-lease-transcript-")), "t.jsonl");
    const line = (id: string, usage: object) => JSON.stringify({ message: { id, role: "assistant", usage } });
    writeFileSync(
      path,
      [
        line("old", { input_tokens: 999, output_tokens: 999 }),
        JSON.stringify({ message: { role: "user", content: "hi" } }),
        line("m1", { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 }),
        line("m1", { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 }),
        "not json",
        line("m2", { input_tokens: 3, output_tokens: 2 }),
      ].join("\n"),
    );
    const turnStart = `${line("old", { input_tokens: 999, output_tokens: 999 })}\n`.length;
    expect(await transcriptLength(path)).toBeGreaterThan(turnStart);
    expect((await claudeCode.readTurn(path, turnStart)).usage).toEqual({
      inputTokens: 103,
      cachedInputTokens: 90,
      outputTokens: 7,
    });
    expect((await claudeCode.readTurn(join(path, "missing"), 0)).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
    });
  });
});

describe("Codex rollouts", () => {
  it("counts each response's last_token_usage in a rollout after the turn's start", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "goal-lease-rollout-")), "r.jsonl");
    const tokens = (input: number, output: number) =>
      JSON.stringify({
        type: "event_msg",
        payload: {
          type: "token_count",
          info: {
            total_token_usage: { input_tokens: 999, output_tokens: 999 },
            last_token_usage: { input_tokens: input, cached_input_tokens: 4, output_tokens: output },
          },
        },
      });
    const before = `${tokens(500, 500)}\n`;
    writeFileSync(
      path,
      [
        before.trimEnd(),
        JSON.stringify({ type: "event_msg", payload: { type: "token_count", info: null } }),
        tokens(10, 5),
        "{ half a line",
        tokens(7, -3),
      ].join("\n"),
    );
    expect((await codex.readTurn(path, before.length)).usage).toEqual({
      inputTokens: 17,
      cachedInputTokens: 8,
      outputTokens: 5,
    });
  });
});

describe("what the agents record", () => {
  it("Codex: each response's usage record counts once, not its token count too", async () => {
    const record = (response: string, input: number, output: number) => ({
      type: "token_usage_record",
      payload: { response_id: response, usage: { input_tokens: input, output_tokens: output } },
    });
    const tokenCount = {
      type: "event_msg",
      payload: { type: "token_count", info: { last_token_usage: { input_tokens: 99, output_tokens: 99 } } },
    };
    await expect(codex.readTurn(undefined, 0)).resolves.toMatchObject({
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    const path = transcript();
    for (const line of [record("r1", 10, 5), tokenCount, record("r1", 10, 5), record("r2", 7, 3)])
      appendLine(path, line);
    expect((await codex.readTurn(path, 0)).usage).toEqual({ inputTokens: 17, outputTokens: 8 });
  });

  it("Claude Code: an API error it ended the turn with, a rate limit or another, and the person's Esc", async () => {
    const path = transcript();
    appendLine(path, {
      type: "assistant",
      isApiErrorMessage: true,
      error: "rate_limit",
      message: {
        role: "assistant",
        content: [{ type: "text", text: "API Error: 429 · Try again in 30 seconds." }],
      },
    });
    const { end } = await claudeCode.readTurn(path, 0);
    expect(end).toMatchObject({ by: "agent", usageLimited: true, retryAfterMs: 30_000 });
    const other = transcript();
    appendLine(other, {
      type: "assistant",
      isApiErrorMessage: true,
      error: "server_error",
      message: { role: "assistant", content: [{ type: "text", text: "API Error: 500" }] },
    });
    expect((await claudeCode.readTurn(other, 0)).end).toMatchObject({ by: "agent", usageLimited: false });
  });
});
