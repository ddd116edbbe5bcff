import { randomUUID } from "node:crypto";
import type { ModelMessage, ModelToolCall } from "../model.js";
import type { TurnOutcome, TurnUsage } from "../plugin.js";
import type { Sender } from "../session-context.js";
import type { LeaseRecord, TranscriptEntry } from "../store/store.js";
import { callModel, ModelCallFailure } from "./call-model.js";
import type { HostInternals } from "./host-internals.js";
import { callHooks, mintContext } from "./plugin-hooks.js";
import { buildPrompt, offeredTools } from "./prompt.js";
import type { SessionState } from "./session-state.js";
import { executeToolCall } from "./tool-executor.js";
import type { TurnResult } from "./turn-result.js";

/** The input that starts a turn: a person's text, or an admitted continuation lease. */
export type TurnInput =
  | { kind: "user"; text: string; sender: Sender }
  | { kind: "continuation"; lease: LeaseRecord };

/**
 * Runs one turn: prompt, model, tool calls with fresh contexts, looped up to the host's bound; then the
 * usage record, the `turn-end` event and every plugin's turn-end hook. Model failures end the turn, not
 * the session.
 */
export async function runTurn(
  host: HostInternals,
  session: SessionState,
  input: TurnInput,
): Promise<TurnResult> {
  const turnId = randomUUID();
  const startedAt = host.clock.now();
  const { sessionKey, generation } = session.record;
  const lease = input.kind === "continuation" ? input.lease : undefined;
  const turn = { id: turnId, kind: input.kind, lease };
  const sender =
    input.kind === "user" ? input.sender : { id: `lease:${input.lease.pluginId}`, isOwner: false };
  host.events.emit("turn-start", {
    sessionKey,
    turnId,
    kind: input.kind,
    pluginId: lease?.pluginId,
    leaseKey: lease?.leaseKey,
  });

  await callHooks(
    host,
    session,
    "turn-start",
    (handler, context, pluginId) =>
      handler(
        { turnId, kind: input.kind, leaseKey: lease?.pluginId === pluginId ? lease.leaseKey : undefined },
        context,
      ),
    { sender, turn },
  );

  const entry = (message: ModelMessage): TranscriptEntry => ({
    generation,
    turnId,
    at: host.clock.now(),
    message,
  });
  const inputMessage: ModelMessage =
    input.kind === "user"
      ? { role: "user", origin: "user", content: input.text }
      : { role: "user", origin: "continuation", content: input.lease.message };
  const { system, history } = await buildPrompt(host, session, { sender, turn });
  // The input is on record before the model sees it, so a crash mid-turn never loses what the user typed.
  await host.store.appendTranscript(sessionKey, [{ ...entry(inputMessage), leaseId: lease?.id }]);
  const tools = await offeredTools(host, session, { sender, turn });
  const modelTools = [...tools.values()].map((tool) => tool.modelSchema);
  const messages: ModelMessage[] = [...history, inputMessage];
  const produced: TranscriptEntry[] = [];
  const usage: TurnUsage = { inputTokens: 0, outputTokens: 0, durationMs: 0, modelCalls: 0 };
  const toolCalls: string[] = [];
  let outcome: TurnOutcome = {
    status: "step_limit",
    message: `The turn stopped after ${host.limits.maxModelCallsPerTurn} model calls.`,
  };
  let text = "";

  for (let step = 1; step <= host.limits.maxModelCallsPerTurn; step++) {
    host.events.emit("model-call", { sessionKey, turnId, step });
    const response = await callModel(
      host.model,
      { system, messages: [...messages], tools: modelTools },
      { clock: host.clock, timeoutMs: host.limits.modelTimeoutMs },
    );
    usage.modelCalls++;
    if (response instanceof ModelCallFailure) {
      outcome = { status: "error", kind: response.kind, message: response.message };
      break;
    }
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    text = response.text;
    const calls: ModelToolCall[] = response.toolCalls;
    const assistant: ModelMessage = { role: "assistant", content: response.text, toolCalls: calls };
    messages.push(assistant);
    produced.push(entry(assistant));
    if (calls.length === 0) {
      outcome = { status: "completed" };
      break;
    }
    for (const call of calls) {
      const result = await executeToolCall(host, call, tools, (pluginId) =>
        mintContext(host, session, pluginId, { origin: "tool", sender, turn }),
      );
      toolCalls.push(String(call.name));
      host.events.emit("tool-call", {
        sessionKey,
        turnId,
        name: String(call.name),
        status: result.isError ? "error" : "ok",
        message: result.isError ? result.content : undefined,
      });
      const toolMessage: ModelMessage = {
        role: "tool",
        toolCallId: String(call.id),
        toolName: String(call.name),
        content: result.content,
        isError: result.isError,
      };
      messages.push(toolMessage);
      produced.push(entry(toolMessage));
    }
  }

  if (produced.length > 0) await host.store.appendTranscript(sessionKey, produced);
  usage.durationMs = host.clock.now() - startedAt;
  await callHooks(
    host,
    session,
    "turn-end",
    (handler, context, pluginId) =>
      handler(
        {
          turnId,
          kind: input.kind,
          leaseKey: lease?.pluginId === pluginId ? lease.leaseKey : undefined,
          outcome,
          usage: { ...usage },
          toolCalls: [...toolCalls],
        },
        context,
      ),
    { sender, turn },
  );
  // Emitted after the plugins' hooks, so an observer that reads state sees what the plugins made of the turn.
  host.events.emit("turn-end", { sessionKey, turnId, kind: input.kind, outcome, usage, text });
  return { turnId, kind: input.kind, outcome, text, usage };
}
