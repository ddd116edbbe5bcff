/** Token counts a model reports for one call. */
export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, those the provider served from its prompt cache (charged less), when it says. */
  cachedInputTokens?: number;
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
  /** The most output tokens this call may produce: set when the turn has a token ceiling. */
  maxOutputTokens?: number;
}

/** What one model call returns. */
export interface ModelResponse {
  text: string;
  toolCalls: ModelToolCall[];
  usage: ModelUsage;
  /** The output stopped at its token cap: the text may be cut short, and tool calls may be incomplete. */
  truncated?: boolean;
}

/** A language model adapter: one call in, one response out, abortable through `signal`. */
export interface Model {
  readonly id: string;
  generate(request: ModelRequest, options: { signal: AbortSignal }): Promise<ModelResponse>;
  /**
   * The input tokens `request` will be charged, when the adapter knows without asking the model. Without
   * it, a host that must fit a call under a token ceiling estimates from the request's size.
   */
  countInputTokens?(request: ModelRequest): number;
}
