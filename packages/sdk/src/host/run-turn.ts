import { randomUUID } from "node:crypto";
import type { ModelMessage } from "../model.js";
import type { TurnUsage } from "../plugin.js";
import type { Sender } from "../session-context.js";
import type { LeaseRecord, TranscriptEntry } from "../store/store.js";
import type { HostInternals } from "./host-internals.js";
import { type LoopResult, runModelLoop } from "./model-loop.js";
import { callHooks } from "./plugin-hooks.js";
import { buildPrompt, offeredTools } from "./prompt.js";
import type { SessionState } from "./session-state.js";
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
    { sender, turn, generation },
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
  const invocation = { sender, turn, generation };
  const usage: TurnUsage = { inputTokens: 0, outputTokens: 0, durationMs: 0, modelCalls: 0 };
  const loop: LoopResult = { outcome: { status: "completed" }, text: "", toolCalls: [], produced: [] };
  try {
    const { system, history } = await buildPrompt(host, session, invocation);
    // The input is on record before the model sees it, so a crash mid-turn never loses what the user typed.
    await host.store.appendTranscript(sessionKey, [{ ...entry(inputMessage), leaseId: lease?.id }]);
    const tools = await offeredTools(host, session, invocation);
    await runModelLoop(
      host,
      { session, turnId, system, messages: [...history, inputMessage], tools, usage, entry, invocation },
      loop,
    );
    if (loop.produced.length > 0) await host.store.appendTranscript(sessionKey, loop.produced);
  } catch (error) {
    // A host fault (usually the store) still ends the turn properly, so plugins hear of it and nothing is stuck.
    loop.outcome = {
      status: "error",
      kind: "host_error",
      message: `The host failed during the turn: ${describe(error)}`,
    };
  }
  const { outcome, text, toolCalls } = loop;
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
    { sender, turn, generation },
  );
  // Emitted after the plugins' hooks, so an observer that reads state sees what the plugins made of the turn.
  host.events.emit("turn-end", { sessionKey, turnId, kind: input.kind, outcome, usage, text });
  return { turnId, kind: input.kind, outcome, text, usage };
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n", 1)[0] ?? "unknown error";
}
