import type { Model, ModelRequest, ModelResponse } from "@goal-lease/sdk";

/**
 * A stand-in for a real model adapter, so the example runs offline: it echoes the newest user or
 * continuation message. Swap in an adapter for your provider; the host needs only the {@link Model}
 * interface.
 */
export class EchoModel implements Model {
  readonly id = "echo";

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const users = request.messages.filter((message) => message.role === "user");
    const last = users.at(-1);
    // The count includes earlier runs' messages when the host loaded the transcript from a durable store.
    const typed = users.filter((message) => message.origin === "user").length;
    const text =
      last?.origin === "continuation"
        ? `Echo of the continuation: ${last.content}`
        : `Echo: ${last?.content ?? ""} (user message ${typed} of this session)`;
    return { text, toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 } };
  }
}
