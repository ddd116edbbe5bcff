import { createHash } from "node:crypto";
import { type PluginApi, traceSessionId } from "@goal-lease/sdk";
import {
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import type { Goal, GoalTraceRoot } from "./goal.js";
import type { GoalEntry, GoalStore, GoalWriteHook } from "./goal-store.js";

// Asked for at each use: a tracer kept from before a provider was replaced would speak to the old one.
const tracer = () => trace.getTracer("@goal-lease/goal-plugin", "0.1.0");

/** What the goal plugin's spans say of a session: hashed (the default), or its key. */
export interface GoalTelemetryOptions {
  sessionKeys?: "hashed" | "plain";
}

/**
 * The context a goal's spans start in, in whichever process runs it: under the span that began the goal
 * (its ids are stored with it), so the spans of a goal that moved to another process (or was taken over
 * after a crash) are one story. A goal stored without them (before they were kept, or started with nothing
 * recording) has a trace id derived from its id instead, under a parent no span has.
 */
export function goalTraceContext(goal: Goal): Context {
  const root = storedRoot(goal.trace);
  const digest = root ? undefined : createHash("sha256").update(goal.id).digest("hex");
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: root?.traceId ?? String(digest?.slice(0, 32)),
    spanId: root?.spanId ?? String(digest?.slice(32, 48)),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** The stored root's ids if they are ids: the store is another process's word. */
function storedRoot(root: GoalTraceRoot | undefined): GoalTraceRoot | undefined {
  const valid =
    typeof root?.traceId === "string" &&
    /^(?!0+$)[0-9a-f]{32}$/.test(root.traceId) &&
    typeof root.spanId === "string" &&
    /^(?!0+$)[0-9a-f]{16}$/.test(root.spanId);
  return valid ? root : undefined;
}

/** One goal's span in this process, open while the goal is active here. */
interface GoalSpan {
  goalId: string;
  span: Span;
  context: Context;
  ended: boolean;
}

/**
 * The goal's spans: one while the goal is active in this process (its continuation turns, which the SDK
 * traces, are its children, through the context its leases are requested in), ended as soon as the goal
 * stops, waits or pauses, so none is left open; a turn a dead process left is closed by an `interrupted`
 * span from the process that takes the goal over.
 */
export class GoalTraces {
  readonly #open = new Map<string, GoalSpan>();
  /** Sessions with one of the goal's continuation turns running, and those whose span ends after it. */
  readonly #inTurn = new Set<string>();
  readonly #pending = new Set<string>();
  readonly #sessionKeys: "hashed" | "plain";

  constructor(options: GoalTelemetryOptions = {}) {
    this.#sessionKeys = options.sessionKeys ?? "hashed";
  }

  /**
   * Runs `work` (a lease request) in the goal's span, opening one when the goal is active and none is open
   * here; a goal that has just begun to wait keeps the span that was open, ended, as its wake turn's parent.
   */
  within<T>(sessionKey: string, goal: Goal, work: () => T): T {
    let open = this.#open.get(sessionKey);
    if (open?.goalId !== goal.id) {
      if (open) this.#end(open, undefined);
      open = undefined;
    }
    if ((!open || open.ended) && goal.status === "active") open = this.#start(sessionKey, goal);
    return context.with(open?.context ?? goalTraceContext(goal), work);
  }

  /**
   * Sends the span that begins a new goal's trace (`create_agent goal`, a root) and returns its ids, to be
   * stored with the goal; undefined when nothing records spans.
   */
  begin(sessionKey: string, goal: Goal): GoalTraceRoot | undefined {
    const span = this.#startSpan("create_agent goal", sessionKey, goal, ROOT_CONTEXT);
    if (!span) return undefined;
    span.setAttributes({
      "gen_ai.operation.name": "create_agent",
      "goal_lease.goal.max_turns": goal.limits.maxTurns,
      "goal_lease.goal.token_budget": goal.limits.tokenBudget,
    });
    if (goal.limits.budgetUsd !== undefined)
      span.setAttribute("goal_lease.goal.budget_usd", goal.limits.budgetUsd);
    span.end();
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  }

  /**
   * Keeps the goal spans in step with the goal's turns: a stop made during one of its continuation turns
   * (a report of done, a gate at the turn's end) ends the goal's span when that turn has ended, with the
   * turn counted, so no turn outlives its goal's span.
   */
  register(api: PluginApi, store: GoalStore): void {
    api.on("turn-start", (event, context) => {
      if (event.leaseKey !== undefined) this.#inTurn.add(context.sessionKey);
    });
    api.on("turn-end", async (event, context) => {
      if (event.leaseKey === undefined || !this.#inTurn.delete(context.sessionKey)) return;
      if (this.#pending.delete(context.sessionKey))
        this.settle(context.sessionKey, await store.read(context));
    });
  }

  /** Ends the session's goal span once its goal is no longer active (or is another goal). */
  settle(sessionKey: string, goal: Goal | undefined): void {
    const open = this.#open.get(sessionKey);
    if (!open || open.ended) return;
    if (goal?.id === open.goalId && goal.status === "active") return;
    // Without an SDK nothing records the order, and waiting would cost a read of the goal at the turn's end.
    if (this.#inTurn.has(sessionKey) && open.span.isRecording()) this.#pending.add(sessionKey);
    else this.#end(open, goal?.id === open.goalId ? goal : undefined);
  }

  /** A continuation turn of the goal was cut off by a process that died: the story ends here, in one span. */
  interrupted(sessionKey: string, goal: Goal, leaseId: string): void {
    const span = this.#startSpan("interrupted", sessionKey, goal, goalTraceContext(goal));
    if (!span) return;
    span.setAttribute("goal_lease.lease.id", leaseId);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: "the process running this goal's turn died; the turn is not replayed",
    });
    span.setAttribute("error.type", "interrupted");
    span.end();
  }

  /** A store hook that settles the session's goal span after each write, around `inner`'s own. */
  around(inner: GoalWriteHook): GoalWriteHook {
    return {
      beforeWrite: (context, next, events) => inner.beforeWrite(context, next, events),
      afterWrite: (context, written: GoalEntry, store: GoalStore) => {
        inner.afterWrite(context, written, store);
        this.settle(context.sessionKey, written.goal);
      },
    };
  }

  #start(sessionKey: string, goal: Goal): GoalSpan | undefined {
    const span = this.#startSpan("invoke_agent goal", sessionKey, goal, goalTraceContext(goal));
    if (!span) return undefined;
    span.setAttributes({
      "goal_lease.goal.max_turns": goal.limits.maxTurns,
      "goal_lease.goal.token_budget": goal.limits.tokenBudget,
      "goal_lease.goal.continuations_before": goal.continuations,
    });
    if (goal.limits.budgetUsd !== undefined)
      span.setAttribute("goal_lease.goal.budget_usd", goal.limits.budgetUsd);
    const open: GoalSpan = {
      goalId: goal.id,
      span,
      context: trace.setSpan(ROOT_CONTEXT, span),
      ended: false,
    };
    this.#open.set(sessionKey, open);
    return open;
  }

  /**
   * A span of the goal's, with its attributes; undefined when nothing records it (no SDK registered, or
   * sampled out): then nothing is kept or computed per goal (not even the session's hash).
   */
  #startSpan(name: string, sessionKey: string, goal: Goal, parent: Context): Span | undefined {
    const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL }, parent);
    if (!span.isRecording()) return undefined;
    span.setAttributes({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "goal",
      "gen_ai.conversation.id": traceSessionId(sessionKey, this.#sessionKeys),
      "goal_lease.goal.id": goal.id,
    });
    return span;
  }

  #end(open: GoalSpan, goal: Goal | undefined): void {
    open.ended = true;
    const { span } = open;
    if (goal && span.isRecording()) {
      span.setAttributes({
        "goal_lease.goal.status": goal.status,
        "goal_lease.goal.continuations": goal.continuations,
        "goal_lease.goal.tokens_used": goal.tokensUsed,
      });
      if (goal.statusGate) span.setAttribute("goal_lease.goal.gate", goal.statusGate);
      if (goal.costUsd !== undefined) span.setAttribute("goal_lease.goal.cost_usd", goal.costUsd);
      if (goal.statusGate === "model_error") {
        span.setStatus({ code: SpanStatusCode.ERROR, message: goal.statusReason ?? "a goal turn failed" });
      }
    }
    span.end();
  }
}
