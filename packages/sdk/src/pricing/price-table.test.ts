import { describe, expect, it } from "vitest";
import { GoalLeaseError } from "../errors.js";
import { defaultPrices } from "./default-prices.js";
import { formatUsd } from "./format-usd.js";
import { costOf, mergePrices, type PriceTable, priceOf } from "./price-table.js";
import { readPriceTable } from "./read-price-table.js";

describe("the price table", () => {
  it("finds a model by its id, without its provider, and without a date suffix", () => {
    const mini = defaultPrices.models["gpt-4o-mini"];
    expect(mini).toBeDefined();
    expect(priceOf(defaultPrices, "openai:gpt-4o-mini")).toBe(mini);
    expect(priceOf(defaultPrices, "GPT-4o-mini")).toBe(mini);
    expect(priceOf(defaultPrices, "anthropic:claude-sonnet-4-5-20250929")).toBe(
      defaultPrices.models["claude-sonnet-4-5"],
    );
    expect(priceOf(defaultPrices, "gpt-4o-2024-08-06")).toBe(defaultPrices.models["gpt-4o"]);
  });

  it("prices a model it does not know as unknown, never as free", () => {
    expect(priceOf(defaultPrices, "demo (scripted, no AI)")).toBeUndefined();
    expect(priceOf(defaultPrices, "openai:llama-3-70b")).toBeUndefined();
    // Names inherited from Object.prototype are not prices.
    expect(priceOf(defaultPrices, "constructor")).toBeUndefined();
  });

  it("is dated, and every price is a finite number of dollars >= 0", () => {
    expect(defaultPrices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const price of Object.values(defaultPrices.models)) {
      for (const value of [price.input, price.cachedInput ?? 0, price.output]) {
        expect(Number.isFinite(value) && value >= 0).toBe(true);
      }
    }
  });

  it("charges cached input at its own rate, and at the input rate where the table has none", () => {
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 };
    expect(costOf({ input: 2, cachedInput: 0.5, output: 8 }, usage)).toBeCloseTo(1.2 + 0.2 + 0.8, 12);
    expect(costOf({ input: 2, output: 8 }, usage)).toBeCloseTo(2 + 0.8, 12);
  });

  it("adds a person's prices to the shipped ones, dated as theirs", () => {
    const own: PriceTable = {
      asOf: "2030-01-01",
      models: { "gpt-4o": { input: 1, output: 2 }, mine: { input: 0, output: 0 } },
    };
    const merged = mergePrices(defaultPrices, own);
    expect(merged.asOf).toBe("2030-01-01");
    expect(priceOf(merged, "openai:gpt-4o")).toEqual({ input: 1, output: 2 });
    expect(priceOf(merged, "mine")).toEqual({ input: 0, output: 0 });
    expect(priceOf(merged, "gpt-4o-mini")).toBe(defaultPrices.models["gpt-4o-mini"]);
  });
});

describe("a price file", () => {
  it("reads the table, model names lower-cased", () => {
    const table = readPriceTable(
      '{"asOf": "2030-01-01", "models": {"My-Model": {"input": 1.5, "cachedInput": 0.15, "output": 6}}}',
      "prices.json",
    );
    expect(table).toEqual({
      asOf: "2030-01-01",
      models: { "my-model": { input: 1.5, cachedInput: 0.15, output: 6 } },
    });
  });

  it.each([
    ["not json", "it is not JSON"],
    ['{"models": {}}', "asOf:"],
    ['{"asOf": "2030-01-01", "models": {"m": {"input": -1, "output": 1}}}', "models.m.input:"],
    ['{"asOf": "2030-01-01", "models": {"m": {"input": 1}}}', "models.m.output:"],
    ['{"asOf": "2030-01-01", "models": {"m": {"input": 1, "output": 1, "extra": 2}}}', "models.m:"],
  ])("refuses %j in one line that names the file and the problem", (text, problem) => {
    let error: unknown;
    try {
      readPriceTable(text, "prices.json");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(GoalLeaseError);
    expect((error as GoalLeaseError).code).toBe("bad_prices");
    expect((error as GoalLeaseError).message).toContain(
      `The prices in prices.json cannot be used: ${problem}`,
    );
    expect((error as GoalLeaseError).message).not.toContain("\n");
  });
});

describe("dollars as a person reads them", () => {
  it.each([
    [0, "$0"],
    [5, "$5.00"],
    [1.234, "$1.23"],
    [0.5, "$0.50"],
    [0.0421, "$0.0421"],
    [0.00001, "<$0.0001"],
  ])("%d is %s", (dollars, text) => {
    expect(formatUsd(dollars)).toBe(text);
  });
});
