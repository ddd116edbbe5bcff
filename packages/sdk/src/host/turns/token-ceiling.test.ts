import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { owner } from "../../../test/probe-plugin.js";
import { definePlugin, defineTool, type TurnEndEvent } from "../../index.js";
import type { Model, ModelRequest } from "../../model.js";
import { createTestHost, ScriptedModel, type TestHost } from "../../testing/index.js";
import { InputTokenEstimator } from "./input-tokens.js";

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

/** A plugin whose `/go` asks for one continuation, admitted with the ceiling `admit` says. */
function ceilingPlugin(admit: () => unknown) {
  const ends: TurnEndEvent[] = [];
  const plugin = definePlugin({
    id: "budgeted",
    register(api) {
      api.registerCommand({
        name: "go",
        description: "ask for a continuation",
        async execute(_args, context) {
          const result = await api.session.workflow.requestSessionContinuationLease({
            session: context,
            leaseKey: "work",
            message: "keep going",
          });
          return result.status;
        },
      });
      api.registerTool(
        defineTool({ name: "lookup", description: "a tool", input: z.object({}), execute: () => "found" }),
      );
      api.on("lease-admission", () => admit() as { maxTokens: number });
      api.on("turn-end", (event) => {
        ends.push(event);
      });
    },
  });
  return { plugin, ends };
}

async function continueWith(model: Model, admit: () => unknown) {
  const { plugin, ends } = ceilingPlugin(admit);
  testHost = await createTestHost({ model, plugins: [plugin] });
  await testHost.host.openSession({ sessionKey: "s1" });
  await testHost.host.send({ sessionKey: "s1", text: "/go", sender: owner });
  await testHost.settle();
  const session = await testHost.store.getSession("s1");
  const transcript = await testHost.store.readTranscript("s1", {
    generation: session?.generation ?? 0,
    limit: 50,
  });
  return { ends, transcript: transcript.map((entry) => entry.message) };
}

describe("a turn's token ceiling", () => {
  it("caps each call's output at what is left, and ends the turn when the output reaches it", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "lookup", input: {} }], usage: { inputTokens: 30, outputTokens: 20 } },
      {
        text: "a long answer that goes on",
        toolCalls: [{ name: "lookup", input: {} }],
        usage: { inputTokens: 60, outputTokens: 500 },
      },
    ]);
    const { ends, transcript } = await continueWith(model, () => ({ maxTokens: 200 }));
    expect(model.requests.map((request) => request.maxOutputTokens)).toEqual([170, 90]);
    expect(ends).toHaveLength(1);
    expect(ends[0]?.outcome).toEqual({
      status: "token_limit",
      message: "The turn stopped: the model's output reached the turn's token ceiling of 200.",
    });
    expect(ends[0]?.usage).toMatchObject({ inputTokens: 90, outputTokens: 110, modelCalls: 2 });
    // The cut reply's tool call never runs: the last entry is the reply itself, with no calls.
    expect(transcript.at(-1)).toMatchObject({ role: "assistant", toolCalls: [] });
  });

  it("makes no call whose input and least output do not fit in what is left", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "lookup", input: {} }], usage: { inputTokens: 30, outputTokens: 20 } },
      { text: "never sent", usage: { inputTokens: 40 } },
    ]);
    const { ends } = await continueWith(model, () => ({ maxTokens: 100 }));
    // 100 - 50 spent - 40 input leaves 10, under the 16 output tokens a call must be allowed.
    expect(model.requests).toHaveLength(1);
    expect(ends[0]?.outcome).toEqual({
      status: "token_limit",
      message: "The turn stopped: its next model call needs about 40 input tokens and 50 of its 100 remain.",
    });
    model.push(); // the unsent step is consumed below, so the script verifies
    await testHost?.host.send({ sessionKey: "s1", text: "hello", sender: owner });
  });

  it("does not start a turn whose first call cannot fit: no call, nothing on record", async () => {
    const model = new ScriptedModel([{ text: "never sent", usage: { inputTokens: 500 } }]);
    const { ends, transcript } = await continueWith(model, () => ({ maxTokens: 300 }));
    expect(model.requests).toHaveLength(0);
    expect(ends[0]).toMatchObject({
      outcome: {
        status: "token_limit",
        message:
          "The turn was not started: its next model call needs about 500 input tokens and 300 of its 300 remain.",
      },
      usage: { inputTokens: 0, outputTokens: 0, modelCalls: 0 },
    });
    expect(transcript.filter((message) => message.role === "user")).toEqual([]);
    await testHost?.host.send({ sessionKey: "s1", text: "hello", sender: owner });
  });

  it("runs a turn admitted without a ceiling uncapped", async () => {
    const model = new ScriptedModel([{ text: "ok", usage: { inputTokens: 5_000, outputTokens: 9_000 } }]);
    const { ends } = await continueWith(model, () => true);
    expect(model.requests[0]?.maxOutputTokens).toBeUndefined();
    expect(ends[0]?.outcome).toEqual({ status: "completed" });
  });

  it("declines a continuation whose plugin answers with a ceiling that is not a whole number", async () => {
    const model = new ScriptedModel([]);
    const errors: string[] = [];
    const { plugin } = ceilingPlugin(() => ({ maxTokens: -1 }));
    testHost = await createTestHost({ model, plugins: [plugin] });
    testHost.host.on("plugin-error", (event) => errors.push(event.message));
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "/go", sender: owner });
    await testHost.settle();
    expect(model.requests).toHaveLength(0);
    expect(errors).toEqual(["it answered maxTokens -1; a ceiling is a whole number >= 0"]);
  });

  it("ends a turn the provider refused for a usage limit with the retry time it gave", async () => {
    const model = new ScriptedModel([{ usageLimit: { retryAfterMs: 90_000 } }]);
    const { ends } = await continueWith(model, () => ({ maxTokens: 1_000 }));
    expect(ends[0]?.outcome).toEqual({
      status: "error",
      kind: "usage_limited",
      message: "Model scripted failed: 429 rate limit exceeded",
      retryAfterMs: 90_000,
    });
  });
});

describe("the input estimate without the model's own count", () => {
  const request = (text: string): ModelRequest => ({
    system: "",
    messages: [{ role: "user", origin: "user", content: text }],
    tools: [],
  });
  const uncounted: Model = { id: "plain", generate: () => Promise.reject(new Error("unused")) };

  it("starts at three bytes a token, then follows what the provider charged, with a margin", () => {
    const estimator = new InputTokenEstimator();
    const small = request("x".repeat(240));
    // Its text and 16 bytes of framing.
    const bytes = 240 + 16;
    expect(estimator.estimate(uncounted, small)).toBe(Math.ceil(bytes / 3));
    estimator.measure(Math.round(bytes / 4));
    const twice = request("x".repeat(240 * 2));
    const twiceBytes = 480 + 16;
    const estimate = estimator.estimate(uncounted, twice);
    expect(estimate).toBeGreaterThanOrEqual(Math.round(twiceBytes / 4));
    expect(estimate).toBeLessThanOrEqual(Math.ceil((twiceBytes / 4) * 1.1) + 1);
  });
});
