import { isAbsolute } from "node:path";
import { hasWakeTime, parseGoalCommand, readStoredGoal } from "@goal-lease/goal-plugin";
import {
  type ContinuationDelivery,
  type Host,
  type ModelUsage,
  retryAfterInWords,
  SessionOwnedError,
  type ToolCallResult,
} from "@goal-lease/sdk";
import { type AgentDialect, claudeCode } from "../agent-dialect.js";
import type { HookEvent } from "../hook-event.js";
import { failedOutcome, interruptedOutcome, type TranscriptEnd } from "../turn-end.js";
import { AgentTurns } from "./agent-turns.js";
import type { AgentBridgeOptions, HookOutput } from "./bridge-options.js";
import { awaitCheck, followCheck, stopCheckWaitMs } from "./check-wait.js";
import { SessionWakers } from "./session-wakers.js";
import { settle } from "./settle.js";
import { TypedCommands } from "./typed-commands.js";

const zeroUsage: ModelUsage = { inputTokens: 0, outputTokens: 0 };

/**
 * The goal-lease host behind a coding agent (Claude Code or Codex, which share a hook protocol): its hook
 * events become the host's external turns, a continuation is handed back at the turn's Stop (or as context
 * of the prompt that started the goal, or by waking the idle session), and MCP tool calls run in the
 * session the agent says it serves. One bridge serves one agent process, so its in-memory turn state is
 * authoritative; the store is shared with other processes, each with its sessions.
 */
export class AgentBridge {
  readonly #host: () => Host;
  readonly #agent: AgentDialect;
  readonly #options: AgentBridgeOptions;
  /** The person at the agent's prompt owns the session. */
  readonly #user: { id: string; isOwner: true };
  readonly #turns: AgentTurns;
  readonly #wakers: SessionWakers;
  readonly #commands: TypedCommands;
  /** Continuations handed over by the host and not yet taken by a Stop, a prompt or a wake. */
  readonly #deliveries = new Map<string, ContinuationDelivery>();
  readonly #toolUses = new Map<string, string>();
  readonly #opened = new Set<string>();
  /** Each session's working folder, as the agent's hooks last gave it. */
  readonly #folders = new Map<string, string>();
  /** Hook continuations in a row with no tool call between them, per session: the agent's own cap counts them. */
  readonly #continuedInARow = new Map<string, number>();
  /** Sessions whose prompt is being handled: a continuation due now runs as that prompt's turn. */
  readonly #prompting = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(host: () => Host, agent: AgentDialect = claudeCode, options: AgentBridgeOptions = {}) {
    this.#host = host;
    this.#agent = agent;
    this.#options = options;
    this.#user = { id: `${agent.name}-user`, isOwner: true };
    this.#turns = new AgentTurns(host, agent, this.#user, (sessionKey, turnId, path, offset) => {
      void this.#serial(async () => {
        if (this.#turns.running(sessionKey)?.turnId !== turnId) return;
        const { end } = await this.#agent.readTurn(path, offset);
        if (end) await this.#endedUnreported(sessionKey, turnId, end);
        await this.#wakers.wake(sessionKey);
      }).catch(() => undefined);
    });
    this.#wakers = new SessionWakers(host, agent, options, this.#turns, this.#deliveries);
    this.#commands = new TypedCommands(host, agent, this.#user);
  }

  /**
   * The host's hand-over: kept until the session's next Stop (or the prompt that asked for it) takes it, or,
   * when the session is idle, handed to the agent as the wake-up of the session.
   */
  deliver(delivery: ContinuationDelivery): void {
    this.#deliveries.set(delivery.sessionKey, delivery);
    // Not awaited: the host may deliver from inside a hook this bridge is handling.
    void this.#serial(() => this.#wakers.wake(delivery.sessionKey)).catch(() => undefined);
  }

  /** One hook event, handled after every earlier event and tool call (hooks of a session come in order). */
  async handle(event: HookEvent): Promise<HookOutput> {
    if (event.goal_lease_role === "wake") {
      // Held until a continuation comes or none will: registered in order, answered later. A failed turn's
      // waker (StopFailure) first ends that turn as failed.
      const waiting = await this.#serial(async () => {
        if (event.hook_event_name === "StopFailure") await this.#handle(event);
        return this.#wakers.register(event);
      });
      return waiting.answered;
    }
    return this.#serial(async () => {
      const output = await this.#handle(event);
      await this.#wakers.wake(this.#agent.sessionKey(event.session_id));
      return output;
    });
  }

  /** The session a PreToolUse hook saw for this tool use, if it saw it. */
  sessionOfToolUse(toolUseId: string): string | undefined {
    const sessionKey = this.#toolUses.get(toolUseId);
    this.#toolUses.delete(toolUseId);
    return sessionKey;
  }

  /** Whether a continuation due in this session while it is idle starts without the person: it is woken. */
  wakes(sessionKey: string): boolean {
    return this.#prompting.has(sessionKey) || this.#wakers.canWake(sessionKey);
  }

  /** The session's working folder as its agent gave it (an absolute path), if a hook has. */
  folderOf(sessionKey: string): string | undefined {
    return this.#folders.get(sessionKey);
  }

  /** The hook that waited to wake this session has gone (it timed out, or the agent ended). */
  forgetWaker(event: HookEvent): void {
    this.#wakers.forget(event);
  }

  /** Runs a plugin tool in `sessionKey`: in its running turn, or in a turn of its own when none runs. */
  callTool(sessionKey: string, name: string, input: unknown): Promise<ToolCallResult> {
    return this.#serial(async () => {
      await this.#open(sessionKey);
      const external = this.#host().external;
      const running = this.#turns.running(sessionKey);
      if (running) {
        const result = await external.callTool({ sessionKey, turnId: running.turnId, name, input });
        await this.#wakers.noteWaits(sessionKey);
        return result;
      }
      const started = await external.turnStarted({ sessionKey, sender: this.#user });
      if (started.kind === "dropped") throw new Error("the turn was refused");
      try {
        return await external.callTool({ sessionKey, turnId: started.turnId, name, input });
      } finally {
        await external.turnEnded({ sessionKey, turnId: started.turnId, usage: zeroUsage });
      }
    });
  }

  /**
   * The agent process is ending: a turn still running ends as its transcript says (a provider error the
   * agent gave up on, whose hook may come too late), else as cut short by the agent's exit, which pauses its
   * goal, saying so. Every waiting waker is let go.
   */
  async shutdown(): Promise<void> {
    await this.#serial(async () => {
      for (const [sessionKey, running] of this.#turns.all()) {
        const { end } = await this.#agent.readTurn(running.transcriptPath, running.offset);
        if (end) {
          await this.#endedUnreported(sessionKey, running.turnId, end);
          continue;
        }
        if (running.continuation)
          await this.#commands.pauseFor(sessionKey, `${this.#agent.label} ended during a goal turn`);
        const outcome = {
          status: "error",
          kind: "host_error",
          message: `${this.#agent.label} ended`,
        } as const;
        await this.#turns.end(sessionKey, { hook_event_name: "Shutdown", session_id: "shutdown" }, outcome);
      }
    }).catch(() => undefined);
    this.close();
  }

  /** Ends every running turn's watch and lets every waiting waker go. */
  close(): void {
    this.#turns.close();
    this.#wakers.close();
  }

  async #handle(event: HookEvent): Promise<HookOutput> {
    const sessionKey = this.#agent.sessionKey(event.session_id);
    this.#wakers.seen(sessionKey, event.session_id);
    if (event.cwd !== undefined && isAbsolute(event.cwd)) this.#folders.set(sessionKey, event.cwd);
    try {
      await this.#open(sessionKey);
    } catch (error) {
      if (!(error instanceof SessionOwnedError)) throw error;
      // Another Claude Code process serves this session (the same session resumed in a second window): its
      // goal runs there, so a goal command typed here goes to it, and nothing else happens here.
      return event.hook_event_name === "UserPromptSubmit"
        ? this.#commands.forward(sessionKey, event.prompt ?? "")
        : "";
    }
    switch (event.hook_event_name) {
      case "UserPromptSubmit":
        this.#prompting.add(sessionKey);
        try {
          return await this.#prompt(sessionKey, event);
        } finally {
          this.#prompting.delete(sessionKey);
        }
      case "PreToolUse":
        if (event.tool_use_id) this.#rememberToolUse(event.tool_use_id, sessionKey);
        return "";
      case "PostToolUse":
        return this.#toolUsed(sessionKey, event);
      case "Stop":
        return this.#stop(sessionKey, event);
      case "StopFailure":
        await this.#failed(sessionKey, event);
        return "";
      default:
        return "";
    }
  }

  async #prompt(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    const prompt = event.prompt ?? "";
    const woken = this.#turns.running(sessionKey);
    if (woken?.wokenWith !== undefined && prompt.includes(woken.wokenWith)) {
      // The continuation a waker woke the session with, which Claude Code hands on as the next message.
      woken.wokenWith = undefined;
      return "";
    }
    const queued = woken ? undefined : this.#wakers.takeQueued(sessionKey, prompt);
    if (queued) {
      // The continuation this bridge queued to wake the session: its turn is the continuation's, and any
      // later hand-over it has not taken yet is superseded by it.
      this.#deliveries.delete(sessionKey);
      await this.#turns.start(sessionKey, event, queued);
      return "";
    }
    const command = this.#agent.command.exec(prompt);
    const host = this.#host();
    const change = command ? parseGoalCommand("goal", command[1] ?? "") : undefined;
    const verb = change && "change" in change ? change.change.verb : undefined;
    let reply: string | undefined;
    const running = this.#turns.running(sessionKey);
    if (running) {
      // A turn with no Stop was cut short by the person (Esc), or the person typed into it (Codex). The
      // person wins: a goal turn cut short is their pause (the goal plugin makes it, as the turn ends
      // interrupted), whatever they typed next; a stop they typed is it.
      if (running.continuation && (verb === "pause" || verb === "clear" || verb === "done")) {
        reply = await this.#commands.run(sessionKey, command?.[1] ?? "");
      }
      await this.#turns.end(sessionKey, event, interruptedOutcome, { interrupted: true });
    }
    if (!command) {
      await host.external.userMessage({ sessionKey, text: prompt, sender: this.#user });
      await this.#turns.start(sessionKey, event);
      return "";
    }
    if (reply !== undefined) return JSON.stringify({ decision: "block", reason: reply });
    reply = await this.#commands.run(sessionKey, command[1] ?? "");
    const delivery = this.#take(sessionKey);
    // start or resume asked for a continuation: this prompt's own turn is it, with the goal as context.
    if (delivery && (await this.#turns.start(sessionKey, event, delivery))) {
      const additionalContext = `${reply}\n\n${delivery.message}`;
      return JSON.stringify({ hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext } });
    }
    // Every other subcommand is answered here; the model is not called.
    return JSON.stringify({ decision: "block", reason: reply });
  }

  /**
   * After a goal tool call: once the goal has stopped (done, blocked, waiting for approval), the agent's turn
   * ends at once, so the tool's result costs no model request of its own. A goal that waits lets the turn
   * end as usual: its Stop runs the hook that wakes the session when the wait is over.
   */
  async #toolUsed(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    if (!this.#turns.running(sessionKey)?.continuation) return "";
    const goal = await readStoredGoal(this.#host().store, sessionKey);
    if (!goal || goal.status === "active" || hasWakeTime(goal)) return "";
    // No Stop hook runs after a turn a hook ends: it ends here, with the usage of its last model call.
    const called = event.tool_use_id ? { toolUseId: event.tool_use_id } : undefined;
    await this.#turns.end(sessionKey, event, { status: "completed" }, called);
    await settle(this.#host());
    return JSON.stringify({ continue: false, stopReason: `goal-lease: the goal is ${goal.status}` });
  }

  async #stop(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    const host = this.#host();
    // A turn's usage is waited for (the agent writes it a little after the hook) only where a goal pays for
    // it: a continuation, or a person's turn while their goal is active. Any other turn ends at once.
    const charged =
      this.#turns.running(sessionKey)?.continuation === true ||
      (await readStoredGoal(host.store, sessionKey))?.status === "active";
    const closing = charged ? { lastMessage: event.last_assistant_message ?? "" } : undefined;
    const ended = await this.#turns.end(sessionKey, event, { status: "completed" }, closing);
    await settle(host);
    const waitMs = this.#options.checkWaitMs ?? stopCheckWaitMs;
    if (await awaitCheck(host, sessionKey, waitMs, () => this.#deliveries.has(sessionKey))) {
      void followCheck(host, sessionKey, () => this.#serial(() => this.#wakers.wake(sessionKey)));
    }
    // The user typed a goal command during this turn, and the agent holds it until the turn ends: it goes
    // first. The continuation stays here for that command's prompt, which takes it, or drops it by stopping.
    if (ended?.queued.some((prompt) => this.#agent.command.test(prompt))) return "";
    const inARow = ended?.usedTools === false ? (this.#continuedInARow.get(sessionKey) ?? 0) : 0;
    this.#continuedInARow.delete(sessionKey);
    const cap = this.#agent.continuationCap();
    if (cap !== undefined && inARow >= cap.count && this.#deliveries.has(sessionKey)) {
      // The agent would override one more continuation and end the turn: the goal pauses, saying why.
      this.#take(sessionKey);
      await this.#commands.pauseFor(sessionKey, cap.why);
      return "";
    }
    const delivery = this.#take(sessionKey);
    if (!delivery || !(await this.#turns.start(sessionKey, event, delivery))) return "";
    this.#continuedInARow.set(sessionKey, inARow + 1);
    return this.#agent.continueTurn(delivery.message);
  }

  /** The agent gave up on the session's turn (Claude Code's StopFailure): it ends, failed, as the agent said. */
  async #failed(sessionKey: string, event: HookEvent): Promise<void> {
    const said = [event.error_details, event.last_assistant_message].filter(Boolean).join(": ");
    const message = said || `the agent ended the turn: ${event.error ?? "unknown error"}`;
    const usageLimited = event.error === "rate_limit";
    const retryAfterMs = usageLimited ? retryAfterInWords(message, this.#now()) : undefined;
    await this.#turns.end(sessionKey, event, failedOutcome(message, usageLimited, retryAfterMs));
    await settle(this.#host());
  }

  /** A turn's end that no hook reported, seen in its transcript: handled as the hook would have. */
  async #endedUnreported(sessionKey: string, turnId: string, end: TranscriptEnd): Promise<void> {
    const running = this.#turns.running(sessionKey);
    if (running?.turnId !== turnId) return;
    const event: HookEvent = { hook_event_name: "TranscriptEnd", session_id: "transcript" };
    // The person's Esc is theirs: the goal plugin pauses a goal turn ended so, and the pause they type
    // next answers as that pause.
    const outcome =
      end.by === "person"
        ? interruptedOutcome
        : failedOutcome(end.message, end.usageLimited, end.retryAfterMs);
    await this.#turns.end(
      sessionKey,
      event,
      outcome,
      end.by === "person" ? { interrupted: true } : undefined,
    );
    await settle(this.#host());
  }

  #take(sessionKey: string): ContinuationDelivery | undefined {
    const delivery = this.#deliveries.get(sessionKey);
    this.#deliveries.delete(sessionKey);
    return delivery;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  /** A session is taken over by this process the first time it sees it. */
  async #open(sessionKey: string): Promise<void> {
    if (this.#opened.has(sessionKey)) return;
    const host = this.#host();
    await host.openSession({ sessionKey });
    await host.recoverSession(sessionKey);
    this.#opened.add(sessionKey);
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
