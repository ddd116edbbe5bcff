/** Token counts a model reports for one call. */
export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A tool call the model asked for. `input` is attacker-controlled until the host validates it. */
export interface ModelToolCall {
  id: string;
  name: string;
  /** SECURITY: model output; validated by the host against the tool's strict schema before use. */
  input: unknown;
}

/** One entry of the conversation sent to the model. */
export type ModelMessage =
  | {
      role: "user";
      /** `continuation` marks input that came from a plugin's lease, not from a person. */
      origin: "user" | "continuation";
      content: string;
    }
  | { role: "assistant"; content: string; toolCalls: ModelToolCall[] }
  | { role: "tool"; toolCallId: string; toolName: string; content: string; isError: boolean };

/** A tool as the model sees it: name, description and a JSON Schema made from the tool's zod schema. */
export interface ModelToolSchema {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** Everything one model call needs. */
export interface ModelRequest {
  system: string;
  messages: ModelMessage[];
  tools: ModelToolSchema[];
}

/** What one model call returns. */
export interface ModelResponse {
  text: string;
  toolCalls: ModelToolCall[];
  usage: ModelUsage;
}

/** A language model adapter: one call in, one response out, abortable through `signal`. */
export interface Model {
  readonly id: string;
  generate(request: ModelRequest, options: { signal: AbortSignal }): Promise<ModelResponse>;
}
