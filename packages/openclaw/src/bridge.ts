import { join } from "node:path";
import {
  type ContinuationDelivery,
  createHost,
  type Host,
  modelName,
  openStore,
  type PluginDefinition,
  pricesVariable,
  readPriceFile,
  storeVariable,
  type TurnOutcome,
} from "@goal-lease/sdk";
import { AgentRuns, type RunDecision } from "./agent-runs.js";
import type {
  OpenClawAgentContext,
  OpenClawCommandContext,
  OpenClawModelOutput,
  OpenClawRuntime,
  OpenClawTool,
  OpenClawToolContext,
} from "./openclaw-api.js";

/** Where the adapter keeps sessions, goals and leases: one SQLite file in OpenClaw's state directory. */
export function bridgeStorePath(stateDir: string): string {
  return join(stateDir, "goal-lease", "state.db");
}

/**
 * One goal-lease host inside an OpenClaw gateway. OpenClaw runs the model; the host keeps sessions,
 * plugin state and leases, and hands each admitted continuation back as a system event plus an
 * immediate heartbeat wake for that session only.
 */
export class OpenClawBridge {
  readonly #runtime: OpenClawRuntime;
  readonly #runs: AgentRuns;
  readonly #opened = new Set<string>();
  #host: Host | undefined;

  private constructor(runtime: OpenClawRuntime) {
    this.#runtime = runtime;
    this.#runs = new AgentRuns(
      () => this.host.external,
      (sessionKey) => this.#requestHeartbeat(sessionKey),
    );
  }

  /**
   * Opens the store (`$GOAL_LEASE_STORE` in the gateway's environment, a file or a PostgreSQL URL, else one
   * under OpenClaw's state directory); pending leases are re-armed, interrupted ones reported.
   */
  static async start(
    runtime: OpenClawRuntime,
    plugins: readonly PluginDefinition[],
  ): Promise<OpenClawBridge> {
    const bridge = new OpenClawBridge(runtime);
    const priceFile = process.env[pricesVariable]?.trim();
    const prices = priceFile ? readPriceFile(priceFile, `${priceFile} ($${pricesVariable})`) : undefined;
    const configured = process.env[storeVariable]?.trim();
    const store = await openStore(configured || bridgeStorePath(runtime.state.resolveStateDir()));
    try {
      bridge.#host = await createHost({
        store,
        plugins,
        externalTurns: { deliverContinuation: async (delivery) => bridge.#wake(delivery) },
        ...(prices === undefined ? {} : { prices }),
      });
    } catch (error) {
      await store.close();
      throw error;
    }
    return bridge;
  }

  get host(): Host {
    if (!this.#host) throw new Error("goal-lease: the bridge has not started");
    return this.#host;
  }

  /** Runs `/<name> <args>` for the invoking session; the session comes from OpenClaw's context only. */
  async command(name: string, context: OpenClawCommandContext): Promise<string> {
    const sessionKey = await this.#session(context);
    const text = `/${name} ${context.args ?? ""}`.trim();
    // OpenClaw only lets authorized senders reach a command (requireAuth); third-party handlers are never told
    // senderIsOwner, so an authorized sender counts as the owner.
    const sender = {
      id: context.senderId ?? "openclaw",
      isOwner: context.senderIsOwner ?? context.isAuthorizedSender,
    };
    const result = await this.host.send({ sessionKey, text, sender });
    return result.kind === "command" ? result.command.reply : "";
  }

  /** The plugins' tools for one agent run, bound to the run's trusted session. */
  tools(context: OpenClawToolContext): OpenClawTool[] | null {
    const { sessionKey } = context;
    if (!sessionKey) return null;
    return this.host.external.registeredTools().map((schema) => ({
      name: schema.name,
      label: schema.name,
      description: schema.description,
      parameters: schema.inputSchema,
      execute: async (_toolCallId, params) => {
        const result = await this.#callTool(sessionKey, schema.name, params);
        if (result.isError) throw new Error(result.content);
        return { content: [{ type: "text", text: result.content }], details: {} };
      },
    }));
  }

  /** The first hook of an agent run decides whether it is a user turn or the admitted continuation. */
  async runStarting(context: OpenClawAgentContext, text?: string): Promise<RunDecision | undefined> {
    const { sessionKey, runId, trigger = "user" } = context;
    if (!sessionKey || !runId) return undefined;
    await this.#session(context);
    return this.#runs.start({ sessionKey, runId, trigger, text });
  }

  /** What the model gets on top of OpenClaw's prompt: the continuation message and the plugins' lines. */
  async promptAdditions(decision: RunDecision, sessionKey: string) {
    if (decision.kind === "skip") return undefined;
    const lines = await this.host.external.promptContext(sessionKey);
    return {
      ...(decision.continuation ? { prependContext: decision.continuation } : {}),
      ...(lines ? { appendSystemContext: lines } : {}),
    };
  }

  recordOutput(context: OpenClawAgentContext, output: OpenClawModelOutput): Promise<void> {
    if (!context.sessionKey || !context.runId) return Promise.resolve();
    const { usage } = output;
    // OpenClaw counts cache reads and writes apart from `input`; all three are input the model processed.
    const cached = tokens(usage?.cacheRead);
    const model = modelRef(output.provider, output.model);
    return this.#runs.recordOutput(context.sessionKey, context.runId, {
      texts: output.assistantTexts,
      usage: {
        inputTokens: tokens(usage?.input) + cached + tokens(usage?.cacheWrite),
        outputTokens: tokens(usage?.output),
        ...(cached > 0 ? { cachedInputTokens: cached } : {}),
      },
      ...(model === undefined ? {} : { model }),
    });
  }

  runEnded(context: OpenClawAgentContext, outcome: TurnOutcome): Promise<void> {
    if (!context.sessionKey || !context.runId) return Promise.resolve();
    return this.#runs.end(context.sessionKey, context.runId, outcome);
  }

  /** OpenClaw starts a new session behind the same key: leases are dropped, contexts stop working. */
  async reset(context: OpenClawAgentContext): Promise<void> {
    if (context.sessionKey && this.#opened.has(context.sessionKey)) {
      await this.host.resetSession(context.sessionKey);
    }
  }

  /** Drains the host and closes the store file. */
  async close(): Promise<void> {
    await this.host.close();
    await this.host.store.close();
  }

  async #callTool(sessionKey: string, name: string, input: unknown) {
    const decision = await this.#runs.current(sessionKey);
    if (decision?.kind !== "turn") {
      return { isError: true, content: `${name} is only available during an agent run of this session.` };
    }
    return this.host.external.callTool({ sessionKey, turnId: decision.turnId, name, input });
  }

  async #session(context: { sessionKey?: string; agentId?: string }): Promise<string> {
    const { sessionKey } = context;
    if (!sessionKey) throw new Error("goal-lease: OpenClaw gave this call no session; run it from a chat.");
    if (!this.#opened.has(sessionKey)) {
      await this.host.openSession({ sessionKey, agentId: context.agentId ?? agentOf(sessionKey) });
      this.#opened.add(sessionKey);
    }
    return sessionKey;
  }

  #wake(delivery: ContinuationDelivery): void {
    const { sessionKey, pluginId, leaseKey, leaseId } = delivery;
    this.#runs.expectWake(delivery);
    // The message itself is added to the admitted run's prompt, never queued as an event, so a user run
    // that drains the event queue first cannot pick up a stale continuation.
    this.#runtime.system.enqueueSystemEvent(`goal-lease: continuation ${leaseId} is due.`, {
      sessionKey,
      agentId: agentOf(sessionKey),
      contextKey: `goal-lease:${pluginId}:${leaseKey}`,
    });
    this.#requestHeartbeat(sessionKey);
  }

  #requestHeartbeat(sessionKey: string): void {
    this.#runs.wakeRequested(sessionKey);
    this.#runtime.system.requestHeartbeat({
      source: "other",
      intent: "immediate",
      sessionKey,
      agentId: agentOf(sessionKey),
      reason: "goal-lease continuation",
    });
  }
}

/** A token count OpenClaw reported: a positive whole number, else 0. */
function tokens(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** The model a run used, as `provider:model` (the price table tries the bare model next), if it names one. */
function modelRef(provider: unknown, model: unknown): string | undefined {
  const name = modelName(model);
  const from = modelName(provider);
  return name === undefined || from === undefined || name.includes(":") ? name : `${from}:${name}`;
}

/** OpenClaw session keys are agent-qualified: `agent:<agentId>:<rest>`. */
function agentOf(sessionKey: string): string {
  return /^agent:([^:]+):/.exec(sessionKey)?.[1] ?? "main";
}
