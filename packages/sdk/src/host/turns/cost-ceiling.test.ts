import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { owner } from "../../../test/probe-plugin.js";
import {
  definePlugin,
  defineTool,
  type PriceTable,
  type TurnCeiling,
  type TurnEndEvent,
} from "../../index.js";
import { createTestHost, ScriptedModel, type TestHost } from "../../testing/index.js";

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

// $1 a million input tokens, $10 a million output: a token of output is ten of input.
const prices: PriceTable = {
  asOf: "2025-01-01",
  models: { scripted: { input: 1, cachedInput: 0.1, output: 10 } },
};

async function continueWith(model: ScriptedModel, ceiling: TurnCeiling, table: PriceTable = prices) {
  const ends: TurnEndEvent[] = [];
  const plugin = definePlugin({
    id: "priced",
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
      api.on("lease-admission", () => ceiling);
      api.on("turn-end", (event) => {
        ends.push(event);
      });
    },
  });
  testHost = await createTestHost({ model, plugins: [plugin], prices: table });
  await testHost.host.openSession({ sessionKey: "s1" });
  await testHost.host.send({ sessionKey: "s1", text: "/go", sender: owner });
  await testHost.settle();
  return ends;
}

describe("a turn's dollar ceiling", () => {
  it("charges each turn at the model's price, the cached input at its own rate", async () => {
    const model = new ScriptedModel([
      { text: "ok", usage: { inputTokens: 1_000, cachedInputTokens: 600, outputTokens: 100 } },
    ]);
    const ends = await continueWith(model, {});
    // 400 input at $1/M, 600 cached at $0.10/M, 100 output at $10/M.
    expect(ends[0]?.usage.costUsd).toBeCloseTo((400 * 1 + 600 * 0.1 + 100 * 10) / 1e6, 12);
    expect(ends[0]?.usage).toMatchObject({ model: "scripted", cachedInputTokens: 600 });
  });

  it("caps each call's output at what the rest of the dollars buy after its input", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "lookup", input: {} }], usage: { inputTokens: 1_000, outputTokens: 100 } },
      { text: "a long answer", usage: { inputTokens: 2_000, outputTokens: 50_000 } },
    ]);
    const ends = await continueWith(model, { maxCostUsd: 0.01 });
    // $0.01 = 10,000 micro-dollars. First call: 1,000 input leave 9,000, 900 output tokens.
    // Second: 2,000 spent, 2,000 input leave 6,000, 600 output tokens.
    expect(model.requests.map((request) => request.maxOutputTokens)).toEqual([900, 600]);
    expect(ends[0]?.outcome).toEqual({
      status: "cost_limit",
      message: "The turn stopped: the model's output reached the turn's dollar ceiling of $0.01.",
    });
    expect(ends[0]?.usage.costUsd).toBeLessThanOrEqual(0.01);
    expect(ends[0]?.usage.costUsd).toBeCloseTo(0.01, 9);
  });

  it("takes the tighter of a token and a dollar ceiling", async () => {
    const model = new ScriptedModel([{ text: "ok", usage: { inputTokens: 100, outputTokens: 10 } }]);
    await continueWith(model, { maxTokens: 500, maxCostUsd: 1 });
    expect(model.requests[0]?.maxOutputTokens).toBe(400);
  });

  it("makes no call a dollar ceiling cannot hold: the model has no price", async () => {
    const model = new ScriptedModel([]);
    const ends = await continueWith(model, { maxCostUsd: 5 }, { asOf: "2025-01-01", models: {} });
    expect(model.requests).toHaveLength(0);
    expect(ends[0]).toMatchObject({
      outcome: {
        status: "cost_limit",
        message:
          "The turn was not started: model scripted has no price in the price table, so its dollar ceiling of $5.00 cannot be kept.",
      },
      usage: { modelCalls: 0, costUsd: 0 },
    });
  });

  it("says a turn on a model with no price cost unknown, not nothing", async () => {
    const model = new ScriptedModel([{ text: "ok" }]);
    const ends = await continueWith(model, {}, { asOf: "2025-01-01", models: {} });
    expect(ends[0]?.usage.costUsd).toBeNull();
  });

  it("does not start a turn whose input alone would pass the dollars left", async () => {
    const model = new ScriptedModel([{ text: "never sent", usage: { inputTokens: 20_000 } }]);
    const ends = await continueWith(model, { maxCostUsd: 0.01 });
    expect(model.requests).toHaveLength(0);
    expect(ends[0]?.outcome).toEqual({
      status: "cost_limit",
      message:
        "The turn was not started: its next model call needs about 20000 input tokens ($0.02) and $0.01 of its $0.01 remain.",
    });
    await testHost?.host.send({ sessionKey: "s1", text: "hello", sender: owner });
  });

  it("declines a continuation whose plugin answers with a dollar ceiling that is not a number >= 0", async () => {
    const model = new ScriptedModel([]);
    const ends = await continueWith(model, { maxCostUsd: Number.NaN });
    expect(ends).toEqual([]);
    expect(model.requests).toHaveLength(0);
  });
});
