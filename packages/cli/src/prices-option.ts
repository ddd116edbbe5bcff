import { readFileSync } from "node:fs";
import { defaultPrices, GoalLeaseError, mergePrices, type PriceTable, readPriceTable } from "@goal-lease/sdk";

/** The variable that names a price file when `--prices` does not. */
export const pricesVariable = "GOAL_LEASE_PRICES";

/**
 * The prices turns are charged at: the shipped table, with the person's own file (`--prices FILE`, else
 * `$GOAL_LEASE_PRICES`) laid over it; undefined when they gave none (the host uses the shipped table).
 */
export function loadPrices(path: string | undefined, env: NodeJS.ProcessEnv): PriceTable | undefined {
  const file = path ?? (env[pricesVariable] || undefined);
  if (file === undefined) return undefined;
  const source = path === undefined ? `${file} ($${pricesVariable})` : file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "there is no such file" : String(error);
    throw new GoalLeaseError({
      code: "bad_prices",
      message: `Cannot read the prices in ${source}: ${reason}; pass --prices with a JSON price file (see goal-lease --help).`,
    });
  }
  return mergePrices(defaultPrices, readPriceTable(text, source));
}
