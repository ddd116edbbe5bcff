import { context, type Span, SpanKind, trace } from "@opentelemetry/api";
import type { ModelRequest, ModelResponse, ModelToolCall } from "../../model.js";
import { failSpan, providerOf, tracer } from "../../tracing/tracer.js";
import { ModelCallFailure } from "./call-model.js";
import type { ToolCallResult } from "./tool-executor.js";

/** A model call's span (`chat <model>`, GenAI conventions), a child of the turn's. */
export function startModelSpan(modelId: string, request: ModelRequest): Span {
  const span = tracer().startSpan(`chat ${modelId}`, { kind: SpanKind.CLIENT });
  if (span.isRecording()) {
    span.setAttributes({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": providerOf(modelId),
      "gen_ai.request.model": modelId,
    });
    if (request.maxOutputTokens !== undefined) {
      span.setAttribute("gen_ai.request.max_tokens", request.maxOutputTokens);
    }
  }
  return span;
}

/** Ends a model call's span with what the call used, or how it failed. */
export function endModelSpan(span: Span, response: ModelResponse | ModelCallFailure): void {
  if (span.isRecording()) {
    if (response instanceof ModelCallFailure) failSpan(span, response.kind, response.message);
    else {
      span.setAttributes({
        "gen_ai.usage.input_tokens": response.usage.inputTokens,
        "gen_ai.usage.output_tokens": response.usage.outputTokens,
        "gen_ai.response.finish_reasons": [
          response.truncated ? "length" : response.toolCalls.length > 0 ? "tool_calls" : "stop",
        ],
      });
    }
  }
  span.end();
}

/** Runs a tool call in its own span (`execute_tool <name>`), a child of the turn's. */
export async function traceToolCall(
  call: ModelToolCall,
  run: () => Promise<ToolCallResult>,
): Promise<ToolCallResult> {
  const span = tracer().startSpan(`execute_tool ${call.name}`, { kind: SpanKind.INTERNAL });
  if (!span.isRecording()) {
    span.end();
    return run();
  }
  span.setAttributes({
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": call.name,
    "gen_ai.tool.call.id": call.id,
    "gen_ai.tool.type": "function",
  });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), run);
    if (result.isError) failSpan(span, "tool_error", result.content.slice(0, 200));
    return result;
  } finally {
    span.end();
  }
}
