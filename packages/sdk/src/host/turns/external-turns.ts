import { randomUUID } from "node:crypto";
import { HostUsageError } from "../../errors.js";
import type { LeaseDropReason } from "../../lease.js";
import type { Model, ModelToolSchema, ModelUsage } from "../../model.js";
import type { TurnOutcome, TurnUsage } from "../../plugin.js";
import { costOf, priceOf } from "../../pricing/price-table.js";
import type { Sender, TurnKind } from "../../session-context.js";
import type { LeaseRecord } from "../../store/store.js";
import { askPlugin, emitLeaseDropped, staleReason } from "../leases/admission-checks.js";
import { waitingDelivery, withdrawDelivery } from "../leases/delivery.js";
import { callHooks, hostSender, mintContext } from "../plugins/plugin-hooks.js";
import type { SessionState, TurnIdentity } from "../sessions/session-state.js";
import { contextLines, offeredTools } from "./prompt.js";
import { executeToolCall, type ToolCallResult } from "./tool-executor.js";
import { readToolCall } from "./tool-input.js";
import type { TurnHost } from "./turn-host.js";
import { announceTurnEnd, announceTurnStart, turnInvocation } from "./turn-notices.js";

/** How {@link ExternalTurns.turnStarted} took a turn: started as a user or continuation turn, or dropped. */
export type ExternalTurnStart =
  | { kind: TurnKind; turnId: string }
  | { kind: "dropped"; reason: LeaseDropReason };

/**
 * The turn half of the host for an embedding host that runs the model itself: it reports each turn's start
 * and end, forwards the model's tool calls, and receives admitted continuations through its
 * {@link ExternalTurnRunner}. Plugins run unchanged: the same contexts, hooks, gates and lease rules.
 */
export class ExternalTurns {
  readonly #host: TurnHost;
  readonly #session: (sessionKey: string) => SessionState;

  /** @internal The host builds this; use `host.external`. */
  constructor(host: TurnHost, session: (sessionKey: string) => SessionState) {
    this.#host = host;
    this.#session = session;
  }

  /** The tools the model may see in this session now, as JSON Schema. */
  async toolSchemas(sessionKey: string): Promise<ModelToolSchema[]> {
    const session = this.#session(sessionKey);
    const tools = await offeredTools(this.#host, session, this.#invocation(session));
    return [...tools.values()].map((tool) => tool.modelSchema);
  }

  /**
   * Every loaded plugin tool, whatever its availability, for an embedding host that must list tools before it
   * can await; {@link ExternalTurns.callTool} still refuses a tool that is not available in the session.
   */
  registeredTools(): ModelToolSchema[] {
    return this.#host.registry.tools().map((tool) => tool.modelSchema);
  }

  /** The plugins' context lines for this session's next turn. */
  async promptContext(sessionKey: string): Promise<string> {
    const session = this.#session(sessionKey);
    return (await contextLines(this.#host, session, this.#invocation(session))).join("\n");
  }

  /** Tells plugins that a person wrote to the session (the embedding host runs the turn itself). */
  async userMessage(input: { sessionKey: string; text: string; sender: Sender }): Promise<void> {
    const session = this.#session(input.sessionKey);
    await callHooks(
      this.#host,
      session,
      "user-message",
      (handler, context) => handler({ text: input.text }, context),
      {
        sender: input.sender,
      },
    );
  }

  /**
   * A turn begins in the embedding host. `continuationOf` names the delivered lease when this is the turn the
   * embedding host runs for it: admission is re-checked now, and a lease cleared, replaced or made stale
   * since its delivery comes back `dropped`, so the embedding host must skip the turn. Any other turn is a
   * user turn.
   */
  async turnStarted(input: {
    sessionKey: string;
    sender?: Sender;
    continuationOf?: string;
  }): Promise<ExternalTurnStart> {
    const session = this.#session(input.sessionKey);
    if (session.externalTurn) {
      throw new HostUsageError({
        message: `Session "${input.sessionKey}" already has a turn running; end it first.`,
      });
    }
    let lease: LeaseRecord | undefined;
    if (input.continuationOf !== undefined) {
      lease = waitingDelivery(session);
      // Cleared or replaced: that lease's own event was emitted then.
      if (lease?.id !== input.continuationOf) return { kind: "dropped", reason: "not_current" };
      const stale = staleReason(this.#host, session, lease);
      const refused =
        stale ??
        ((await askPlugin(this.#host, session, lease)) === "declined" ? "plugin_declined" : undefined);
      // Withdrawn while the plugin was asked (a clear, a replacement, a reset): its own event was emitted then.
      if (waitingDelivery(session)?.id !== lease.id) return { kind: "dropped", reason: "not_current" };
      if (refused) {
        await withdrawDelivery(this.#host, session, lease);
        emitLeaseDropped(this.#host, lease, refused);
        return { kind: "dropped", reason: refused };
      }
    }
    const identity: TurnIdentity = {
      turnId: randomUUID(),
      kind: lease ? "continuation" : "user",
      lease,
      sender: lease ? { id: `lease:${lease.pluginId}`, isOwner: false } : (input.sender ?? hostSender),
      generation: session.record.generation,
      fence: session.fence,
    };
    session.externalTurn = { identity, startedAt: this.#host.clock.now(), toolCalls: [] };
    await announceTurnStart(this.#host, session, identity);
    return { kind: identity.kind, turnId: identity.turnId };
  }

  /** Runs one model tool call of the running turn with a fresh context; failures come back as error results. */
  async callTool(input: {
    sessionKey: string;
    turnId: string;
    name: string;
    input: unknown;
  }): Promise<ToolCallResult> {
    const session = this.#session(input.sessionKey);
    const turn = this.#runningTurn(session, input.turnId);
    const invocation = turnInvocation(turn.identity);
    const tools = await offeredTools(this.#host, session, invocation);
    const call = readToolCall(
      { id: randomUUID(), name: input.name, input: input.input },
      this.#host.limits.maxToolInputChars,
    );
    const result = await executeToolCall(this.#host, call, tools, (pluginId) =>
      mintContext(this.#host, session, pluginId, { ...invocation, origin: "tool" }),
    );
    turn.toolCalls.push(input.name);
    this.#host.events.emit("tool-call", {
      sessionKey: input.sessionKey,
      turnId: input.turnId,
      name: input.name,
      status: result.isError ? "error" : "ok",
      message: result.isError ? result.content : undefined,
    });
    return result;
  }

  /**
   * The running turn ended; its usage feeds the plugins' budgets. `model` names the model the embedding
   * host ran, as it records it: the turn is priced at it (a model the price table does not know, or none
   * named, costs "unknown").
   */
  async turnEnded(input: {
    sessionKey: string;
    turnId: string;
    usage: ModelUsage;
    model?: string;
    outcome?: TurnOutcome;
    text?: string;
  }): Promise<void> {
    const session = this.#session(input.sessionKey);
    const turn = this.#runningTurn(session, input.turnId);
    const { inputTokens, outputTokens, cachedInputTokens } = input.usage;
    const price = input.model === undefined ? undefined : priceOf(this.#host.prices, input.model);
    const usage: TurnUsage = {
      inputTokens,
      outputTokens,
      ...(cachedInputTokens === undefined ? {} : { cachedInputTokens }),
      durationMs: this.#host.clock.now() - turn.startedAt,
      modelCalls: 0,
      ...(input.model === undefined ? {} : { model: input.model }),
      costUsd: inputTokens + outputTokens === 0 ? 0 : price === undefined ? null : costOf(price, input.usage),
    };
    let recorded = false;
    try {
      const ending = {
        outcome: input.outcome ?? { status: "completed" as const },
        usage,
        toolCalls: turn.toolCalls,
        text: input.text ?? "",
      };
      recorded = (await announceTurnEnd(this.#host, session, turn.identity, ending, undefined)).hooksEnded;
    } finally {
      session.externalTurn = undefined;
      const lease = turn.identity.lease;
      if (lease && session.delivered?.id === lease.id) {
        session.delivered = undefined;
        // Not on record (a plugin's account of it may be missing): it stays started, and the next recovery
        // tells its plugin it was interrupted.
        if (recorded) await this.#host.store.finishLease(lease.id, { fence: turn.identity.fence });
      }
      this.#host.pump(session);
    }
  }

  #runningTurn(session: SessionState, turnId: string) {
    const turn = session.externalTurn;
    if (turn?.identity.turnId !== turnId) {
      throw new HostUsageError({
        message: `Turn ${JSON.stringify(turnId)} is not running in session "${session.record.sessionKey}"; report turnStarted first.`,
      });
    }
    return turn;
  }

  #invocation(session: SessionState) {
    const running = session.externalTurn?.identity;
    return running ? turnInvocation(running) : { sender: hostSender, generation: session.record.generation };
  }
}

/** Stands in for the model when an embedding host runs the turns; plain-text input is refused before it. */
export const turnlessModel: Model = {
  id: "external",
  generate: () => Promise.reject(new Error("this host runs no model turns; an embedding host does")),
};
