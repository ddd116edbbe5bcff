// Loaded by the SDK's root (to show a store's location), so it imports nothing: the rest of the
// PostgreSQL store loads only when one is opened.

/** What to call a server in messages: its host, port and database, never the password. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}
