import { readFileSync } from "node:fs";
import { z } from "zod";
import { GoalLeaseError } from "../errors.js";
import { defaultPrices } from "./default-prices.js";
import { mergePrices, type PriceTable } from "./price-table.js";

const dollars = z.number().finite().min(0).max(10_000);
const priceFile = z.strictObject({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date, YYYY-MM-DD"),
  models: z
    .record(
      z.string().min(1).max(200),
      z.strictObject({ input: dollars, cachedInput: dollars.optional(), output: dollars }),
    )
    .refine((models) => Object.keys(models).length <= 1_000, "at most 1,000 models"),
});

/**
 * Reads a price file's text: `{ "asOf": "YYYY-MM-DD", "models": { "<model>": { "input": 2.5,
 * "cachedInput": 1.25, "output": 10 } } }`, US dollars per million tokens. Throws a one-line
 * `GoalLeaseError` (code `bad_prices`) that says what is wrong, naming `source`.
 */
export function readPriceTable(text: string, source: string): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw badPrices(source, `it is not JSON (${(error as Error).message.split("\n")[0]})`);
  }
  const parsed = priceFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "the file";
    throw badPrices(source, `${where}: ${issue?.message ?? "not a price table"}`);
  }
  const models = Object.fromEntries(
    Object.entries(parsed.data.models).map(([name, price]) => [
      name.trim().toLowerCase(),
      Object.freeze(price),
    ]),
  );
  return Object.freeze({ asOf: parsed.data.asOf, models: Object.freeze(models) });
}

/** The environment variable that names a person's price file, for hosts that take no option for it. */
export const pricesVariable = "GOAL_LEASE_PRICES";

/**
 * The prices in the file at `path` laid over the shipped table. Throws a one-line `GoalLeaseError` (code
 * `bad_prices`) naming `source` when the file cannot be read or used.
 */
export function readPriceFile(path: string, source = path): PriceTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "there is no such file" : String(error);
    throw badPrices(source, reason);
  }
  return mergePrices(defaultPrices, readPriceTable(text, source));
}

function badPrices(source: string, problem: string): GoalLeaseError {
  return new GoalLeaseError({
    code: "bad_prices",
    message: `The prices in ${source} cannot be used: ${problem}. Write {"asOf": "YYYY-MM-DD", "models": {"<model>": {"input": 2.5, "output": 10}}} (US dollars per million tokens).`,
  });
}
