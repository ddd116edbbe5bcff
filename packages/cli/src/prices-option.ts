import { type PriceTable, pricesVariable, readPriceFile } from "@goal-lease/sdk";

/**
 * The prices turns are charged at: the shipped table, with the person's own file (`--prices FILE`, else
 * `$GOAL_LEASE_PRICES`) laid over it; undefined when they gave none (the host uses the shipped table).
 */
export function loadPrices(path: string | undefined, env: NodeJS.ProcessEnv): PriceTable | undefined {
  const file = path ?? (env[pricesVariable] || undefined);
  if (file === undefined) return undefined;
  return readPriceFile(file, path === undefined ? `${file} ($${pricesVariable})` : file);
}
