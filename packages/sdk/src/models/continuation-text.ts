import type { ModelMessage } from "../model.js";

/** Opens the text of continuation input, so a provider's model never takes a plugin's message for the user's. */
export const continuationPrefix = "[continuation requested by a plugin, not typed by the user]\n";

/** The text of a user message as a provider receives it: continuation input carries {@link continuationPrefix}. */
export function userMessageText(message: Extract<ModelMessage, { role: "user" }>): string {
  return message.origin === "continuation" ? `${continuationPrefix}${message.content}` : message.content;
}
