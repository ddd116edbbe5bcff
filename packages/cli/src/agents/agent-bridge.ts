import { goalStateLocation, parseGoalCommand } from "@goal-lease/goal-plugin";
import {
  type ContinuationDelivery,
  forwardControl,
  type Host,
  type ModelUsage,
  SessionOwnedError,
  type ToolCallResult,
  type TurnOutcome,
} from "@goal-lease/sdk";
import { type AgentDialect, claudeCode, type TurnRecord } from "./agent-dialect.js";
import type { HookEvent } from "./hook-event.js";
import { transcriptLength } from "./transcript-usage.js";

interface RunningTurn {
  turnId: string;
  transcriptPath?: string;
  /** The transcript's length in bytes when the turn began; its usage is what comes after. */
  offset: number;
}

/** What a hook prints on stdout for the agent: nothing, or one JSON decision. */
export type HookOutput = string;

const zeroUsage: ModelUsage = { inputTokens: 0, outputTokens: 0 };

/**
 * The goal-lease host behind a coding agent (Claude Code or Codex, which share a hook protocol): its hook
 * events become the host's external turns, a continuation is handed back at the turn's Stop (or as context
 * of the prompt that started the goal), and MCP tool calls run in the session the agent says it serves. One
 * bridge serves one agent process, so its in-memory turn state is authoritative; the store is shared with
 * other processes, each with its sessions.
 */
export class AgentBridge {
  readonly #host: () => Host;
  readonly #agent: AgentDialect;
  /** The person at the agent's prompt owns the session. */
  readonly #user: { id: string; isOwner: true };
  readonly #turns = new Map<string, RunningTurn>();
  readonly #deliveries = new Map<string, ContinuationDelivery>();
  readonly #toolUses = new Map<string, string>();
  readonly #opened = new Set<string>();
  /** Hook continuations in a row with no tool call between them, per session: the agent's own cap counts them. */
  readonly #continuedInARow = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(host: () => Host, agent: AgentDialect = claudeCode) {
    this.#host = host;
    this.#agent = agent;
    this.#user = { id: `${agent.name}-user`, isOwner: true };
  }

  /** The host's hand-over: kept until the session's next Stop (or the prompt that asked for it) takes it. */
  deliver(delivery: ContinuationDelivery): void {
    this.#deliveries.set(delivery.sessionKey, delivery);
  }

  /** One hook event, handled after every earlier event and tool call (hooks of a session come in order). */
  handle(event: HookEvent): Promise<HookOutput> {
    return this.#serial(() => this.#handle(event));
  }

  /** The session a PreToolUse hook saw for this tool use, if it saw it. */
  sessionOfToolUse(toolUseId: string): string | undefined {
    const sessionKey = this.#toolUses.get(toolUseId);
    this.#toolUses.delete(toolUseId);
    return sessionKey;
  }

  /** Runs a plugin tool in `sessionKey`: in its running turn, or in a turn of its own when none runs. */
  callTool(sessionKey: string, name: string, input: unknown): Promise<ToolCallResult> {
    return this.#serial(async () => {
      await this.#open(sessionKey);
      const external = this.#host().external;
      const running = this.#turns.get(sessionKey);
      if (running) return external.callTool({ sessionKey, turnId: running.turnId, name, input });
      const started = await external.turnStarted({ sessionKey, sender: this.#user });
      if (started.kind === "dropped") throw new Error("the turn was refused");
      try {
        return await external.callTool({ sessionKey, turnId: started.turnId, name, input });
      } finally {
        await external.turnEnded({ sessionKey, turnId: started.turnId, usage: zeroUsage });
      }
    });
  }

  async #handle(event: HookEvent): Promise<HookOutput> {
    const sessionKey = this.#agent.sessionKey(event.session_id);
    try {
      await this.#open(sessionKey);
    } catch (error) {
      if (!(error instanceof SessionOwnedError)) throw error;
      // Another Claude Code process serves this session (the same session resumed in a second window): its
      // goal runs there, so a goal command typed here goes to it, and nothing else happens here.
      return event.hook_event_name === "UserPromptSubmit" ? this.#forward(sessionKey, event) : "";
    }
    switch (event.hook_event_name) {
      case "UserPromptSubmit":
        return this.#prompt(sessionKey, event);
      case "PreToolUse":
        if (event.tool_use_id) this.#rememberToolUse(event.tool_use_id, sessionKey);
        return "";
      case "Stop":
        return this.#stop(sessionKey, event);
      default:
        return "";
    }
  }

  async #prompt(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    // A turn with no Stop was interrupted (Esc); the user wins, so a goal turn that was cut off pauses its goal.
    await this.#endTurn(sessionKey, event, {
      status: "error",
      kind: "host_error",
      message: "the turn was interrupted before it ended",
    });
    const prompt = event.prompt ?? "";
    const command = this.#agent.command.exec(prompt);
    const host = this.#host();
    if (!command) {
      await host.external.userMessage({ sessionKey, text: prompt, sender: this.#user });
      await this.#startTurn(sessionKey, event);
      return "";
    }
    const sent = await host.send({
      sessionKey,
      text: `/goal ${command[1] ?? ""}`.trim(),
      sender: this.#user,
    });
    const reply = sent.kind === "command" ? this.#qualified(sent.command.reply) : "";
    await settle(host);
    const delivery = this.#take(sessionKey);
    // start or resume asked for a continuation: this prompt's own turn is it, with the goal as context.
    if (delivery && (await this.#startTurn(sessionKey, event, delivery))) {
      const additionalContext = `${reply}\n\n${delivery.message}`;
      return JSON.stringify({ hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext } });
    }
    // Every other subcommand is answered here; the model is not called.
    return JSON.stringify({ decision: "block", reason: reply });
  }

  /** A goal command for a session another process serves, sent to it through the store; its answer, or why none. */
  async #forward(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    const command = this.#agent.command.exec(event.prompt ?? "");
    if (!command) return "";
    // Read here, sent as data: the owner applies it whatever its goal command is called.
    const parsed = parseGoalCommand("goal", command[1] ?? "");
    if ("error" in parsed)
      return JSON.stringify({ decision: "block", reason: this.#qualified(parsed.error) });
    const { verb, input } = parsed.change;
    const result = await forwardControl(
      this.#host().store,
      { sessionKey, pluginId: goalStateLocation.pluginId, verb, input, sender: this.#user },
      { timeoutMs: 5_000 },
    );
    const reason = result.status === "answered" ? this.#qualified(result.reply) : result.message;
    return JSON.stringify({ decision: "block", reason });
  }

  async #stop(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    const ended = await this.#endTurn(sessionKey, event, { status: "completed" });
    await settle(this.#host());
    // The user typed a goal command during this turn, and the agent holds it until the turn ends: it goes
    // first. The continuation stays here for that command's prompt, which takes it, or drops it by stopping.
    if (ended?.queued.some((prompt) => this.#agent.command.test(prompt))) return "";
    const inARow = ended?.usedTools === false ? (this.#continuedInARow.get(sessionKey) ?? 0) : 0;
    this.#continuedInARow.delete(sessionKey);
    const cap = this.#agent.continuationCap();
    if (cap !== undefined && inARow >= cap.count && this.#deliveries.has(sessionKey)) {
      // The agent would override one more continuation and end the turn: the goal pauses, saying why.
      this.#take(sessionKey);
      const pause = { pluginId: goalStateLocation.pluginId, verb: "pause", input: { note: cap.why } };
      await this.#host().control({ sessionKey, ...pause, sender: this.#user });
      return "";
    }
    const delivery = this.#take(sessionKey);
    if (!delivery || !(await this.#startTurn(sessionKey, event, delivery))) return "";
    this.#continuedInARow.set(sessionKey, inARow + 1);
    return this.#agent.continueTurn(delivery.message);
  }

  /** Starts the session's turn; with a delivery, as its continuation (false if admission drops it now). */
  async #startTurn(sessionKey: string, event: HookEvent, delivery?: ContinuationDelivery): Promise<boolean> {
    const started = await this.#host().external.turnStarted({
      sessionKey,
      sender: this.#user,
      continuationOf: delivery?.leaseId,
    });
    if (started.kind === "dropped") return false;
    const offset = await transcriptLength(event.transcript_path);
    this.#turns.set(sessionKey, { turnId: started.turnId, transcriptPath: event.transcript_path, offset });
    return true;
  }

  /** Ends the session's running turn, if one runs; what its transcript recorded. */
  async #endTurn(
    sessionKey: string,
    event: HookEvent,
    outcome: TurnOutcome,
  ): Promise<TurnRecord | undefined> {
    const running = this.#turns.get(sessionKey);
    if (!running) return undefined;
    this.#turns.delete(sessionKey);
    const turn = await this.#agent.readTurn(running.transcriptPath ?? event.transcript_path, running.offset);
    await this.#host().external.turnEnded({
      sessionKey,
      turnId: running.turnId,
      usage: turn.usage,
      outcome,
      text: outcome.status === "completed" ? (event.last_assistant_message ?? "") : "",
    });
    return turn;
  }

  #take(sessionKey: string): ContinuationDelivery | undefined {
    const delivery = this.#deliveries.get(sessionKey);
    this.#deliveries.delete(sessionKey);
    return delivery;
  }

  /** A session is taken over by this process the first time it sees it. */
  async #open(sessionKey: string): Promise<void> {
    if (this.#opened.has(sessionKey)) return;
    const host = this.#host();
    await host.openSession({ sessionKey });
    await host.recoverSession(sessionKey);
    this.#opened.add(sessionKey);
  }

  /** The goal plugin's replies name `/goal`; the user types the agent's own command. */
  #qualified(reply: string): string {
    return reply.replace(/\/goal(?=\s|$|\.)/g, this.#agent.commandName);
  }

  #rememberToolUse(toolUseId: string, sessionKey: string): void {
    // Bounded: a tool use whose call never came is forgotten after enough newer ones.
    if (this.#toolUses.size >= 1_000) this.#toolUses.delete(this.#toolUses.keys().next().value ?? "");
    this.#toolUses.set(toolUseId, sessionKey);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

/** Waits until the host is idle, including a lease a turn-end hook has just armed to run at once. */
async function settle(host: Host): Promise<void> {
  do {
    await host.idle();
    await new Promise((resolve) => setTimeout(resolve, 0));
  } while (!host.isIdle());
}
