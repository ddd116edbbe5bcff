/** What a model costs, in US dollars per million tokens. */
export interface ModelPrice {
  /** Input tokens, as a provider charges them without a cache hit. */
  input: number;
  /** Input tokens served from the provider's prompt cache; `input` where the table says nothing. */
  cachedInput?: number;
  output: number;
}

/** A table of model prices and the date they were read, so a figure can say how old its prices are. */
export interface PriceTable {
  /** The date the prices were last checked, `YYYY-MM-DD`. */
  asOf: string;
  /** Prices by model name: a bare name (`gpt-4o-mini`) or one with its provider (`openai:gpt-4o-mini`). */
  models: Readonly<Record<string, ModelPrice>>;
}

/** Token counts to price: `cachedInputTokens` is the part of `inputTokens` served from the cache. */
export interface PricedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
}

/**
 * The price of `modelId` in `table`, or undefined when the table does not know it (never guessed as free).
 * Tried in turn: the id as given (`openai:gpt-4o-mini`), then without its provider (`gpt-4o-mini`), then
 * without a date suffix (`claude-sonnet-4-5-20250929` is `claude-sonnet-4-5`); case does not matter.
 */
export function priceOf(table: PriceTable, modelId: string): ModelPrice | undefined {
  const id = modelId.trim().toLowerCase();
  const bare = id.replace(/^[a-z][\w-]*:/, "");
  const undated = bare.replace(/-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, "");
  for (const name of [id, bare, undated]) {
    if (Object.hasOwn(table.models, name)) return table.models[name];
  }
  return undefined;
}

/** What `usage` costs at `price`, in US dollars. */
export function costOf(price: ModelPrice, usage: PricedUsage): number {
  const cached = Math.min(Math.max(0, usage.cachedInputTokens ?? 0), usage.inputTokens);
  const dollars =
    (usage.inputTokens - cached) * price.input +
    cached * (price.cachedInput ?? price.input) +
    usage.outputTokens * price.output;
  return dollars / 1_000_000;
}

/** `base` with `override`'s models added or replacing its own, dated as `override`. */
export function mergePrices(base: PriceTable, override: PriceTable): PriceTable {
  return Object.freeze({
    asOf: override.asOf,
    models: Object.freeze({ ...base.models, ...override.models }),
  });
}
