import type { ModelMessage, ModelRequest } from "../../model.js";
import type { TurnOutcome, TurnUsage } from "../../plugin.js";
import type { TranscriptEntry } from "../../store/store.js";
import { type Invocation, mintContext } from "../plugins/plugin-hooks.js";
import type { RegisteredTool } from "../plugins/plugin-registry.js";
import { holds } from "../sessions/session-claim.js";
import type { SessionState } from "../sessions/session-state.js";
import { callModel, ModelCallFailure } from "./call-model.js";
import { inputTokensOf } from "./input-tokens.js";
import { fitUnderCeiling } from "./token-ceiling.js";
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
    /** The turn's token ceiling, input and output of all its calls, when its lease was admitted with one. */
    maxTokens?: number;
    /** The output cap of the first call, as fitted under the ceiling before the turn started. */
    firstCallMaxOutput?: number;
    entry: (message: ModelMessage) => TranscriptEntry;
    invocation: Omit<Invocation, "origin">;
  },
  result: LoopResult,
): Promise<void> {
  const { session, turnId, system, messages, tools, usage, maxTokens, entry, invocation } = turn;
  let fitted = turn.firstCallMaxOutput;
  const { sessionKey } = session.record;
  const modelTools = [...tools.values()].map((tool) => tool.modelSchema);
  for (let step = 1; step <= host.limits.maxModelCallsPerTurn; step++) {
    if (!holds(session, invocation.fence)) {
      result.outcome = lostOutcome;
      return;
    }
    const request: ModelRequest = { system, messages: [...messages], tools: modelTools };
    if (maxTokens !== undefined) {
      const fit =
        fitted === undefined
          ? fitUnderCeiling(host, session, request, usage, maxTokens)
          : { maxOutputTokens: fitted };
      fitted = undefined;
      if ("outcome" in fit) {
        result.outcome = fit.outcome;
        return;
      }
      request.maxOutputTokens = fit.maxOutputTokens;
    }
    host.events.emit("model-call", { sessionKey, turnId, step });
    const response = await callModel(host.model, request, {
      clock: host.clock,
      timeoutMs: host.limits.modelTimeoutMs,
    });
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
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
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
      result.outcome = {
        status: "token_limit",
        message: `The turn stopped: the model's output reached the turn's token ceiling of ${maxTokens}.`,
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
      const toolResult = await executeToolCall(host, read, tools, (pluginId) =>
        mintContext(host, session, pluginId, { ...invocation, origin: "tool" }),
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
