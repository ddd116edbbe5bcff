import type { Anthropic } from "@anthropic-ai/sdk";
import type { ModelMessage, ModelResponse, ModelToolSchema } from "../model.js";
import { userMessageText } from "./continuation-text.js";

type Block = Anthropic.ContentBlockParam;

/**
 * Our messages as Messages API turns. Tool results become `tool_result` blocks in a user turn, and
 * neighbours of the same role are merged, because the API wants every tool result in the user turn right
 * after its `tool_use` and refuses empty turns.
 */
export function toAnthropicMessages(messages: readonly ModelMessage[]): Anthropic.MessageParam[] {
  const turns: { role: "user" | "assistant"; content: Block[] }[] = [];
  for (const message of messages) {
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = toBlocks(message);
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return turns;
}

function toBlocks(message: ModelMessage): Block[] {
  switch (message.role) {
    case "user":
      return [{ type: "text", text: userMessageText(message) }];
    case "assistant": {
      const blocks: Block[] = message.content === "" ? [] : [{ type: "text", text: message.content }];
      for (const call of message.toolCalls) {
        // The API only takes an object; input that was not one already earned an error result the model sees.
        blocks.push({
          type: "tool_use",
          id: call.id,
          name: call.name,
          input: isPlainObject(call.input) ? call.input : {},
        });
      }
      return blocks;
    }
    case "tool":
      return [
        {
          type: "tool_result",
          tool_use_id: message.toolCallId,
          content: message.content,
          ...(message.isError ? { is_error: true } : {}),
        },
      ];
  }
}

/** Our tools as Messages API client tools, their JSON Schema as `input_schema`. */
export function toAnthropicTools(tools: readonly ModelToolSchema[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { ...tool.inputSchema, type: "object" },
  }));
}

/** A Messages API response as our response. */
export function fromAnthropicMessage(message: Anthropic.Message): ModelResponse {
  // Compatible servers are not always strict about the shape; a missing part reads as empty.
  const content = Array.isArray(message?.content) ? message.content : [];
  const usage = message?.usage;
  return {
    text: content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join(""),
    toolCalls: content.flatMap((block) =>
      block.type === "tool_use" ? [{ id: block.id, name: block.name, input: block.input }] : [],
    ),
    usage: {
      // Cached prompt tokens are reported apart from `input_tokens`; a budget has to count them too.
      inputTokens:
        (usage?.input_tokens ?? 0) +
        (usage?.cache_creation_input_tokens ?? 0) +
        (usage?.cache_read_input_tokens ?? 0),
      outputTokens: usage?.output_tokens ?? 0,
      ...(usage?.cache_read_input_tokens ? { cachedInputTokens: usage.cache_read_input_tokens } : {}),
    },
    ...(message?.stop_reason === "max_tokens" ? { truncated: true } : {}),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
