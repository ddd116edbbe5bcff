import { randomUUID } from "node:crypto";
import type { OpenAI } from "openai";
import type { ModelMessage, ModelRequest, ModelResponse, ModelToolCall, ModelToolSchema } from "../model.js";
import { userMessageText } from "./continuation-text.js";
import { parseToolArguments } from "./tool-arguments.js";

/** Our system text and messages as Chat Completions messages. */
export function toOpenAIMessages(request: ModelRequest): OpenAI.ChatCompletionMessageParam[] {
  const messages: OpenAI.ChatCompletionMessageParam[] = [];
  if (request.system !== "") messages.push({ role: "system", content: request.system });
  for (const message of request.messages) messages.push(toOpenAIMessage(message));
  return messages;
}

function toOpenAIMessage(message: ModelMessage): OpenAI.ChatCompletionMessageParam {
  switch (message.role) {
    case "user":
      return { role: "user", content: userMessageText(message) };
    case "assistant":
      if (message.toolCalls.length === 0) return { role: "assistant", content: message.content };
      return {
        role: "assistant",
        content: message.content === "" ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: "function",
          // Arguments that were not JSON go back as the model wrote them, next to the error they caused.
          function: {
            name: call.name,
            arguments: typeof call.input === "string" ? call.input : JSON.stringify(call.input ?? {}),
          },
        })),
      };
    case "tool":
      // Chat Completions has no error flag on a tool result, so the text carries it.
      return {
        role: "tool",
        tool_call_id: message.toolCallId,
        content: message.isError ? `Error: ${message.content}` : message.content,
      };
  }
}

/** Our tools as Chat Completions function tools, their JSON Schema as the parameters. */
export function toOpenAITools(tools: readonly ModelToolSchema[]): OpenAI.ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}

/** A Chat Completions response as our response; undefined when it has no choice to read. */
export function fromOpenAICompletion(completion: OpenAI.ChatCompletion): ModelResponse | undefined {
  const choice = completion?.choices?.[0];
  const message = choice?.message;
  if (!message) return undefined;
  const toolCalls: ModelToolCall[] = (message.tool_calls ?? []).map((call) =>
    call.type === "custom"
      ? { id: call.id || randomUUID(), name: call.custom.name, input: call.custom.input }
      : {
          id: call.id || randomUUID(),
          name: call.function.name,
          input: parseToolArguments(call.function.arguments ?? ""),
        },
  );
  // Of the prompt tokens, those the provider's cache served: priced at its cached-input rate.
  const cached = completion.usage?.prompt_tokens_details?.cached_tokens || undefined;
  return {
    // A refusal is the only text the model gave; the user should see it rather than nothing.
    text: message.content || message.refusal || "",
    toolCalls,
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
      ...(cached === undefined ? {} : { cachedInputTokens: cached }),
    },
    ...(choice.finish_reason === "length" ? { truncated: true } : {}),
  };
}
