/**
 * A model name as an embedding host or an agent's transcript reports it, if it looks like one: it comes from
 * another process, and it ends up in prices, logs and metrics labels.
 */
export function modelName(value: unknown): string | undefined {
  return typeof value === "string" && /^[\w.:/@+-]{1,200}$/.test(value) ? value : undefined;
}
