import type { ModelMessage, ModelRequest, ModelUsage } from "../../model.js";
import type { TurnCeiling, TurnOutcome, TurnUsage } from "../../plugin.js";
import { formatUsd } from "../../pricing/format-usd.js";
import { costOf, type ModelPrice } from "../../pricing/price-table.js";
import type { TranscriptEntry } from "../../store/store.js";
import { type Invocation, mintContext } from "../plugins/plugin-hooks.js";
import type { RegisteredTool } from "../plugins/plugin-registry.js";
import { holds } from "../sessions/session-claim.js";
import type { SessionState } from "../sessions/session-state.js";
import { callModel, ModelCallFailure } from "./call-model.js";
import { endModelSpan, startModelSpan, traceToolCall } from "./call-spans.js";
import { inputTokensOf } from "./input-tokens.js";
import { type CeilingFit, fitUnderCeiling } from "./token-ceiling.js";
import { executeToolCall } from "./tool-executor.js";
import { readToolCall } from "./tool-input.js";
import type { TurnHost } from "./turn-host.js";

/** What the model loop of a turn produced; filled in as it goes, so a fault midway keeps what was done. */
export interface LoopResult {
  outcome: TurnOutcome;
  text: string;
  toolCalls: string[];
  produced: TranscriptEntry[];
}

const lostOutcome: TurnOutcome = Object.freeze({
  status: "error",
  kind: "host_error",
  message: "Another goal-lease process took the session during this turn; the turn ends here, unwritten.",
});

/** Calls the model, runs its tool calls with fresh contexts, and repeats up to the host's bound. */
export async function runModelLoop(
  host: TurnHost,
  turn: {
    session: SessionState;
    turnId: string;
    system: string;
    messages: ModelMessage[];
    tools: ReadonlyMap<string, RegisteredTool>;
    usage: TurnUsage;
    /** The turn's ceilings (tokens, dollars), input and output of all its calls, when its lease set any. */
    ceiling?: TurnCeiling;
    /** The model's price, when the host's table has one: each call is charged at it. */
    price: ModelPrice | undefined;
    /** How the first call fitted under the ceilings, as checked before the turn started. */
    firstFit?: CeilingFit;
    entry: (message: ModelMessage) => TranscriptEntry;
    invocation: Omit<Invocation, "origin">;
  },
  result: LoopResult,
): Promise<void> {
  const { session, turnId, system, messages, tools, usage, ceiling, price, entry, invocation } = turn;
  let fitted = turn.firstFit;
  const { sessionKey } = session.record;
  const modelTools = [...tools.values()].map((tool) => tool.modelSchema);
  for (let step = 1; step <= host.limits.maxModelCallsPerTurn; step++) {
    if (!holds(session, invocation.fence)) {
      result.outcome = lostOutcome;
      return;
    }
    const request: ModelRequest = { system, messages: [...messages], tools: modelTools };
    let boundBy: "tokens" | "cost" = "tokens";
    if (ceiling !== undefined) {
      const fit = fitted ?? fitUnderCeiling(host, session, request, usage, ceiling, price);
      fitted = undefined;
      if ("outcome" in fit) {
        result.outcome = fit.outcome;
        return;
      }
      boundBy = fit.boundBy;
      if (fit.maxOutputTokens !== undefined) request.maxOutputTokens = fit.maxOutputTokens;
    }
    host.events.emit("model-call", { sessionKey, turnId, step });
    const span = startModelSpan(host.model.id, request);
    const response = await callModel(host.model, request, {
      clock: host.clock,
      timeoutMs: host.limits.modelTimeoutMs,
    });
    endModelSpan(span, response);
    usage.modelCalls++;
    // The session was taken while the model answered (this process stalled past its claim): its answer is
    // not this process's to act on, so none of its tool calls runs.
    if (!holds(session, invocation.fence)) {
      result.outcome = lostOutcome;
      return;
    }
    if (response instanceof ModelCallFailure) {
      result.outcome = response.outcome();
      return;
    }
    charge(usage, response.usage, price);
    inputTokensOf(session).measure(response.usage.inputTokens);
    result.text = response.text;
    // Cut off at the ceiling, the last tool call may be half-written: none of them runs, and the turn ends.
    const cut = response.truncated === true && request.maxOutputTokens !== undefined;
    // Each input read once as JSON: what is kept, sent back and validated is that copy, never the model's object.
    const calls = (cut ? [] : response.toolCalls).map((call) =>
      readToolCall(call, host.limits.maxToolInputChars),
    );
    const assistant: ModelMessage = {
      role: "assistant",
      content: response.text,
      toolCalls: calls.map((read) => read.call),
    };
    messages.push(assistant);
    result.produced.push(entry(assistant));
    if (cut) {
      result.outcome =
        boundBy === "cost"
          ? {
              status: "cost_limit",
              message: `The turn stopped: the model's output reached the turn's dollar ceiling of ${formatUsd(ceiling?.maxCostUsd ?? 0)}.`,
            }
          : {
              status: "token_limit",
              message: `The turn stopped: the model's output reached the turn's token ceiling of ${ceiling?.maxTokens}.`,
            };
      return;
    }
    if (calls.length === 0) {
      result.outcome = { status: "completed" };
      return;
    }
    let closing = true;
    for (const read of calls) {
      const { call } = read;
      const toolResult = await traceToolCall(call, () =>
        executeToolCall(host, read, tools, (pluginId) =>
          mintContext(host, session, pluginId, { ...invocation, origin: "tool" }),
        ),
      );
      result.toolCalls.push(call.name);
      host.events.emit("tool-call", {
        sessionKey,
        turnId,
        name: call.name,
        status: toolResult.isError ? "error" : "ok",
        message: toolResult.isError ? toolResult.content : undefined,
      });
      const toolMessage: ModelMessage = {
        role: "tool",
        toolCallId: call.id,
        toolName: call.name,
        content: toolResult.content,
        isError: toolResult.isError,
      };
      messages.push(toolMessage);
      result.produced.push(entry(toolMessage));
      closing &&= !toolResult.isError && tools.get(call.name)?.definition.endsTurn === true;
    }
    // Reports that close the turn: sending their results back would cost a model call that only reads them.
    if (closing) {
      result.outcome = { status: "completed" };
      return;
    }
  }
  result.outcome = {
    status: "step_limit",
    message: `The turn stopped after ${host.limits.maxModelCallsPerTurn} model calls.`,
  };
}

/** Adds one call's tokens and their cost to the turn's usage; a call on a model with no price makes it unknown. */
function charge(usage: TurnUsage, call: ModelUsage, price: ModelPrice | undefined): void {
  usage.inputTokens += call.inputTokens;
  usage.outputTokens += call.outputTokens;
  if (call.cachedInputTokens !== undefined) {
    usage.cachedInputTokens = (usage.cachedInputTokens ?? 0) + call.cachedInputTokens;
  }
  if (call.inputTokens + call.outputTokens === 0) return;
  usage.costUsd = price === undefined || usage.costUsd === null ? null : usage.costUsd + costOf(price, call);
}
