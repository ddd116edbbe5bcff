import type { Span } from "@opentelemetry/api";
import type { TurnOutcome, TurnUsage } from "../../plugin.js";
import type { LeaseRecord } from "../../store/store.js";
import { failSpan, providerOf, traceSessionId } from "../../tracing/tracer.js";
import type { TurnHost } from "./turn-host.js";

/**
 * A turn's span as it starts, in the OpenTelemetry GenAI conventions (`invoke_agent`): the session (hashed
 * unless the host says otherwise), the model, and for a continuation its lease, whose wait from request to
 * turn is an event.
 */
export function describeTurnStart(
  host: TurnHost,
  span: Span,
  turn: { sessionKey: string; turnId: string; lease: LeaseRecord | undefined; startedAt: number },
): void {
  const { lease } = turn;
  span.setAttributes({
    "gen_ai.operation.name": "invoke_agent",
    "gen_ai.agent.name": "goal-lease",
    "gen_ai.conversation.id": traceSessionId(turn.sessionKey, host.telemetry.sessionKeys),
    "gen_ai.provider.name": providerOf(host.model.id),
    "gen_ai.request.model": host.model.id,
    "goal_lease.turn.id": turn.turnId,
    "goal_lease.turn.kind": lease ? "continuation" : "user",
  });
  if (!lease) return;
  span.setAttributes({
    "goal_lease.plugin.id": lease.pluginId,
    "goal_lease.lease.key": lease.leaseKey,
    "goal_lease.lease.id": lease.id,
  });
  span.addEvent("goal_lease.lease.wait", {
    "goal_lease.lease.requested_at": new Date(lease.createdAt).toISOString(),
    "goal_lease.lease.due_at": new Date(lease.dueAt).toISOString(),
    "goal_lease.lease.delay_ms": Math.max(0, lease.dueAt - lease.createdAt),
    "goal_lease.lease.dispatch_ms": Math.max(0, turn.startedAt - lease.dueAt),
  });
}

/** A turn's span as it ends: its usage, cost and outcome; an error outcome marks the span failed. */
export function describeTurnEnd(span: Span, outcome: TurnOutcome, usage: TurnUsage): void {
  span.setAttributes({
    "gen_ai.usage.input_tokens": usage.inputTokens,
    "gen_ai.usage.output_tokens": usage.outputTokens,
    "goal_lease.turn.model_calls": usage.modelCalls,
    "goal_lease.turn.outcome": outcome.status,
  });
  if (usage.cachedInputTokens !== undefined) {
    span.setAttribute("gen_ai.usage.cache_read.input_tokens", usage.cachedInputTokens);
  }
  if (usage.costUsd !== null) span.setAttribute("goal_lease.cost_usd", usage.costUsd);
  if (outcome.status === "error") failSpan(span, outcome.kind, outcome.message);
}
