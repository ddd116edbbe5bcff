/**
 * Parses tool call arguments a model sent as JSON text. Text that is not JSON comes back unchanged, so the
 * host's strict validation turns it into a tool error the model can read instead of a failed turn.
 */
export function parseToolArguments(text: string): unknown {
  // Some OpenAI-compatible servers send empty arguments for a tool that takes none.
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
