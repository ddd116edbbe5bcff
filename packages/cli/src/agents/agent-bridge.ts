import { watch } from "node:fs";
import {
  type Goal,
  goalStateLocation,
  hasWakeTime,
  parseGoalCommand,
  readStoredGoal,
} from "@goal-lease/goal-plugin";
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
import { retryAfter } from "./retry-time.js";
import { transcriptLength } from "./transcript-usage.js";
import type { ExpectedEnd, TranscriptEnd } from "./turn-end.js";

interface RunningTurn {
  turnId: string;
  transcriptPath?: string;
  /** The transcript's length in bytes when the turn began; its usage is what comes after. */
  offset: number;
  /** Whether it is a goal continuation (it was started for a delivered lease). */
  continuation: boolean;
  /** The first line of the continuation a waker woke the session with, until its prompt has come. */
  wokenWith?: string;
  /** Stops watching the transcript for an end no hook reports. */
  unwatch: () => void;
}

/**
 * A background Stop hook of Claude Code (`asyncRewake`) waiting to wake its idle session: answered with the
 * continuation, which it passes to Claude Code as the next message, or with nothing, when nothing will come.
 */
interface Waker {
  event: HookEvent;
  answer: (output: HookOutput) => void;
}

/** What a hook prints on stdout for the agent: nothing, or one JSON decision. */
export type HookOutput = string;

/** What the bridge asks of the agent around it. */
export interface AgentBridgeOptions {
  /**
   * Queues `message` as the next prompt of an idle session (`codex queue`), for the agents that wake a
   * session so; resolves false if the agent did not take it.
   */
  queueMessage?: (sessionId: string, message: string) => Promise<boolean>;
  /**
   * Whether a Claude Code waker may wait for the continuation of its session's goal (which waits, or waits
   * for a usage limit to lift). `claude -p` runs a background hook as an ordinary one: its Stop waker holds
   * the run open until the wait ends (then continues the turn), but after a StopFailure nothing continues.
   */
  waitsFor?: (event: string) => boolean;
  /** Told whether any session here has a goal that waits (so Claude Code runs its waker at each Stop). */
  waits?: (anyWaiting: boolean) => void;
  /** How long a Stop waits for a running check's result ({@link stopCheckWaitMs} unless set). */
  checkWaitMs?: number;
  now?: () => number;
}

const zeroUsage: ModelUsage = { inputTokens: 0, outputTokens: 0 };

/**
 * How long a Stop waits for the person's check to decide the model's "done": well under the Stop hook's
 * time limit (an MCP tool call, which Codex gives 60 s by default). A longer check goes on in the background.
 */
export const stopCheckWaitMs = 30_000;

/** How often a Stop waiting on a check reads the goal. */
const checkPollMs = 50;

/** Whether the goal waits on its check (the model reported done; the person's command runs). */
function checkRuns(goal: Goal | undefined): boolean {
  return goal?.status === "active" && goal.check?.running !== undefined;
}

/** Why a goal pauses when the person cuts one of its turns short. */
const interruptedNote = "the person interrupted a goal turn";

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
  readonly #turns = new Map<string, RunningTurn>();
  readonly #deliveries = new Map<string, ContinuationDelivery>();
  readonly #toolUses = new Map<string, string>();
  readonly #opened = new Set<string>();
  /** Hook continuations in a row with no tool call between them, per session: the agent's own cap counts them. */
  readonly #continuedInARow = new Map<string, number>();
  readonly #wakers = new Map<string, Waker>();
  /** The model each session last ran, as its transcript named it: turns are priced at it. */
  readonly #models = new Map<string, string>();
  /** Continuations queued as the next prompt of an idle session (Codex), by session: their message. */
  readonly #queued = new Map<string, ContinuationDelivery>();
  /** The agent's id of each session that ended a turn here, so it can be woken. */
  readonly #agentIds = new Map<string, string>();
  /** The answer to the pause a person's interruption made, for the pause they type next. */
  readonly #interruptPauses = new Map<string, string>();
  /** Sessions whose prompt is being handled: a continuation due now runs as that prompt's turn. */
  readonly #prompting = new Set<string>();
  /** Sessions whose goal waits (for its wake time, or for a usage limit to lift). */
  readonly #waiting = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(host: () => Host, agent: AgentDialect = claudeCode, options: AgentBridgeOptions = {}) {
    this.#host = host;
    this.#agent = agent;
    this.#options = options;
    this.#user = { id: `${agent.name}-user`, isOwner: true };
  }

  /**
   * The host's hand-over: kept until the session's next Stop (or the prompt that asked for it) takes it, or,
   * when the session is idle, handed to the agent as the wake-up of the session.
   */
  deliver(delivery: ContinuationDelivery): void {
    this.#deliveries.set(delivery.sessionKey, delivery);
    // Not awaited: the host may deliver from inside a hook this bridge is handling.
    void this.#serial(() => this.#wake(delivery.sessionKey)).catch(() => undefined);
  }

  /** One hook event, handled after every earlier event and tool call (hooks of a session come in order). */
  async handle(event: HookEvent): Promise<HookOutput> {
    if (event.goal_lease_role === "wake") {
      // Held until a continuation comes or none will: registered in order, answered later. A failed turn's
      // waker (StopFailure) first ends that turn as failed.
      const waiting = await this.#serial(async () => {
        if (event.hook_event_name === "StopFailure") await this.#handle(event);
        return this.#registerWaker(event);
      });
      return waiting.answered;
    }
    return this.#serial(async () => {
      const output = await this.#handle(event);
      await this.#wake(this.#agent.sessionKey(event.session_id));
      return output;
    });
  }

  /**
   * Keeps {@link AgentBridgeOptions.waits} told whether any goal here waits: for its wake time, a usage
   * limit, or its check (whose failure continues the goal after the session went idle).
   */
  async #noteWaits(sessionKey: string): Promise<boolean> {
    const goal = await readStoredGoal(this.#host().store, sessionKey);
    const waits = hasWakeTime(goal) || checkRuns(goal);
    const was = this.#waiting.size > 0;
    if (waits) this.#waiting.add(sessionKey);
    else this.#waiting.delete(sessionKey);
    if (was !== this.#waiting.size > 0) this.#options.waits?.(this.#waiting.size > 0);
    return waits;
  }

  /** The session a PreToolUse hook saw for this tool use, if it saw it. */
  sessionOfToolUse(toolUseId: string): string | undefined {
    const sessionKey = this.#toolUses.get(toolUseId);
    this.#toolUses.delete(toolUseId);
    return sessionKey;
  }

  /** Whether a continuation due in this session while it is idle starts without the person: it is woken. */
  wakes(sessionKey: string): boolean {
    if (this.#prompting.has(sessionKey)) return true;
    return this.#agent.wakes === "rewake-hook"
      ? this.#wakers.has(sessionKey)
      : this.#options.queueMessage !== undefined && this.#agentIds.has(sessionKey);
  }

  /** Runs a plugin tool in `sessionKey`: in its running turn, or in a turn of its own when none runs. */
  callTool(sessionKey: string, name: string, input: unknown): Promise<ToolCallResult> {
    return this.#serial(async () => {
      await this.#open(sessionKey);
      const external = this.#host().external;
      const running = this.#turns.get(sessionKey);
      if (running) {
        const result = await external.callTool({ sessionKey, turnId: running.turnId, name, input });
        await this.#noteWaits(sessionKey);
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
      for (const [sessionKey, running] of [...this.#turns]) {
        const { end } = await this.#agent.readTurn(running.transcriptPath, running.offset);
        if (end) {
          await this.#endedUnreported(sessionKey, running.turnId, end);
          continue;
        }
        if (running.continuation)
          await this.#pauseFor(sessionKey, `${this.#agent.label} ended during a goal turn`);
        const outcome = {
          status: "error",
          kind: "host_error",
          message: `${this.#agent.label} ended`,
        } as const;
        await this.#endTurn(sessionKey, { hook_event_name: "Shutdown", session_id: "shutdown" }, outcome);
      }
    }).catch(() => undefined);
    this.close();
  }

  /** Ends every running turn's watch and lets every waiting waker go. */
  close(): void {
    for (const turn of this.#turns.values()) turn.unwatch();
    for (const waker of this.#wakers.values()) waker.answer("");
    this.#wakers.clear();
  }

  async #handle(event: HookEvent): Promise<HookOutput> {
    const sessionKey = this.#agent.sessionKey(event.session_id);
    this.#agentIds.set(sessionKey, event.session_id);
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
    const woken = this.#turns.get(sessionKey);
    if (woken?.wokenWith !== undefined && prompt.includes(woken.wokenWith)) {
      // The continuation a waker woke the session with, which Claude Code hands on as the next message.
      woken.wokenWith = undefined;
      return "";
    }
    const queued = this.#queued.get(sessionKey);
    if (queued && prompt === queued.message && !this.#turns.has(sessionKey)) {
      // The continuation this bridge queued to wake the session: its turn is the continuation's.
      this.#queued.delete(sessionKey);
      this.#deliveries.set(sessionKey, queued);
      const delivery = this.#take(sessionKey);
      if (delivery) await this.#startTurn(sessionKey, event, delivery);
      return "";
    }
    const command = this.#agent.command.exec(prompt);
    const host = this.#host();
    const change = command ? parseGoalCommand("goal", command[1] ?? "") : undefined;
    const verb = change && "change" in change ? change.change.verb : undefined;
    // The person interrupted a goal turn and that paused the goal: the pause they type now is that pause.
    let reply = verb === "pause" ? this.#interruptPauses.get(sessionKey) : undefined;
    this.#interruptPauses.delete(sessionKey);
    const running = this.#turns.get(sessionKey);
    if (running) {
      // A turn with no Stop was cut short by the person (Esc), or the person typed into it (Codex). The
      // person wins: a goal turn cut short is their pause, whatever they typed next; a stop they typed is it.
      if (running.continuation && (verb === "pause" || verb === "clear" || verb === "done")) {
        reply = await this.#command(sessionKey, command?.[1] ?? "");
      } else if (running.continuation) {
        await this.#pauseFor(sessionKey, interruptedNote);
      }
      await this.#endTurn(
        sessionKey,
        event,
        { status: "error", kind: "host_error", message: "the person interrupted the turn" },
        { interrupted: true },
      );
    }
    if (!command) {
      await host.external.userMessage({ sessionKey, text: prompt, sender: this.#user });
      await this.#startTurn(sessionKey, event);
      return "";
    }
    if (reply !== undefined) return JSON.stringify({ decision: "block", reason: reply });
    reply = await this.#command(sessionKey, command[1] ?? "");
    const delivery = this.#take(sessionKey);
    // start or resume asked for a continuation: this prompt's own turn is it, with the goal as context.
    if (delivery && (await this.#startTurn(sessionKey, event, delivery))) {
      const additionalContext = `${reply}\n\n${delivery.message}`;
      return JSON.stringify({ hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext } });
    }
    // Every other subcommand is answered here; the model is not called.
    return JSON.stringify({ decision: "block", reason: reply });
  }

  /** Runs a typed goal command (what follows the command's name); its reply, in the agent's spelling. */
  async #command(sessionKey: string, args: string): Promise<string> {
    const host = this.#host();
    const sent = await host.send({ sessionKey, text: `/goal ${args}`.trim(), sender: this.#user });
    const reply = sent.kind === "command" ? this.#qualified(sent.command.reply) : "";
    await settle(host);
    return reply;
  }

  /** Pauses the session's goal for the person, saying why; the answer, in the agent's spelling. */
  async #pauseFor(sessionKey: string, note: string): Promise<string> {
    const pause = { pluginId: goalStateLocation.pluginId, verb: "pause", input: { note } };
    const result = await this.#host().control({ sessionKey, ...pause, sender: this.#user });
    return this.#qualified(result.reply);
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

  /**
   * After a goal tool call: once the goal has stopped (done, blocked, waiting for approval), the agent's turn
   * ends at once, so the tool's result costs no model request of its own. A goal that waits lets the turn
   * end as usual: its Stop runs the hook that wakes the session when the wait is over.
   */
  async #toolUsed(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    if (!this.#turns.get(sessionKey)?.continuation) return "";
    const goal = await readStoredGoal(this.#host().store, sessionKey);
    if (!goal || goal.status === "active" || hasWakeTime(goal)) return "";
    // No Stop hook runs after a turn a hook ends: it ends here, with the usage of its last model call.
    this.#agentIds.set(sessionKey, event.session_id);
    const called = event.tool_use_id ? { toolUseId: event.tool_use_id } : undefined;
    await this.#endTurn(sessionKey, event, { status: "completed" }, called);
    await settle(this.#host());
    return JSON.stringify({ continue: false, stopReason: `goal-lease: the goal is ${goal.status}` });
  }

  async #stop(sessionKey: string, event: HookEvent): Promise<HookOutput> {
    this.#agentIds.set(sessionKey, event.session_id);
    const closing = { lastMessage: event.last_assistant_message ?? "" };
    const ended = await this.#endTurn(sessionKey, event, { status: "completed" }, closing);
    await settle(this.#host());
    await this.#awaitCheck(sessionKey);
    // The user typed a goal command during this turn, and the agent holds it until the turn ends: it goes
    // first. The continuation stays here for that command's prompt, which takes it, or drops it by stopping.
    if (ended?.queued.some((prompt) => this.#agent.command.test(prompt))) return "";
    const inARow = ended?.usedTools === false ? (this.#continuedInARow.get(sessionKey) ?? 0) : 0;
    this.#continuedInARow.delete(sessionKey);
    const cap = this.#agent.continuationCap();
    if (cap !== undefined && inARow >= cap.count && this.#deliveries.has(sessionKey)) {
      // The agent would override one more continuation and end the turn: the goal pauses, saying why.
      this.#take(sessionKey);
      await this.#pauseFor(sessionKey, cap.why);
      return "";
    }
    const delivery = this.#take(sessionKey);
    if (!delivery || !(await this.#startTurn(sessionKey, event, delivery))) return "";
    this.#continuedInARow.set(sessionKey, inARow + 1);
    return this.#agent.continueTurn(delivery.message);
  }

  /**
   * The model reported done and the person's check runs: the Stop waits for its result (bounded), so a
   * failed check's continuation continues this turn and a passed one ends the goal here. A check that
   * outlasts the bound goes on; its result wakes the idle session as a wait's end does.
   */
  async #awaitCheck(sessionKey: string): Promise<void> {
    if (this.#deliveries.has(sessionKey)) return;
    const store = this.#host().store;
    if (!checkRuns(await readStoredGoal(store, sessionKey))) return;
    const deadline = Date.now() + (this.#options.checkWaitMs ?? stopCheckWaitMs);
    for (;;) {
      await sleep(checkPollMs);
      const goal = await readStoredGoal(store, sessionKey);
      // Decided: a failed check's continuation is scheduled at once (unless a gate stopped the goal).
      if (!checkRuns(goal)) {
        await settle(this.#host());
        if (this.#deliveries.has(sessionKey) || goal?.status !== "active") return;
      }
      if (Date.now() >= deadline) break;
    }
    void this.#followCheck(sessionKey);
  }

  /** Waits, in the background, for a check that outlasted its Stop, then wakes the session with its result. */
  async #followCheck(sessionKey: string): Promise<void> {
    const store = this.#host().store;
    try {
      while (checkRuns(await readStoredGoal(store, sessionKey))) await sleep(250);
      await settle(this.#host());
      await this.#serial(() => this.#wake(sessionKey));
    } catch {
      // The store closed with the agent: nothing is left to wake.
    }
  }

  /** The agent gave up on the session's turn (Claude Code's StopFailure): it ends, failed, as the agent said. */
  async #failed(sessionKey: string, event: HookEvent): Promise<void> {
    this.#agentIds.set(sessionKey, event.session_id);
    const said = [event.error_details, event.last_assistant_message].filter(Boolean).join(": ");
    const message = said || `the agent ended the turn: ${event.error ?? "unknown error"}`;
    const now = this.#now();
    const retryAfterMs = retryAfter(message, now);
    const outcome: TurnOutcome =
      event.error === "rate_limit"
        ? {
            status: "error",
            kind: "usage_limited",
            message,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          }
        : { status: "error", kind: "model_error", message };
    await this.#endTurn(sessionKey, event, outcome);
    await settle(this.#host());
  }

  /** A turn's end that no hook reported, seen in its transcript: handled as the hook would have. */
  async #endedUnreported(sessionKey: string, turnId: string, end: TranscriptEnd): Promise<void> {
    const running = this.#turns.get(sessionKey);
    if (running?.turnId !== turnId) return;
    const event: HookEvent = { hook_event_name: "TranscriptEnd", session_id: "transcript" };
    if (end.by === "person") {
      if (running.continuation) {
        this.#interruptPauses.set(sessionKey, await this.#pauseFor(sessionKey, interruptedNote));
      }
      const outcome = {
        status: "error",
        kind: "host_error",
        message: "the person interrupted the turn",
      } as const;
      await this.#endTurn(sessionKey, event, outcome, { interrupted: true });
    } else {
      const { message, retryAfterMs } = end;
      const outcome: TurnOutcome = end.usageLimited
        ? {
            status: "error",
            kind: "usage_limited",
            message,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          }
        : { status: "error", kind: "model_error", message };
      await this.#endTurn(sessionKey, event, outcome);
    }
    await settle(this.#host());
  }

  /** Starts the session's turn; with a delivery, as its continuation (false if admission drops it now). */
  async #startTurn(sessionKey: string, event: HookEvent, delivery?: ContinuationDelivery): Promise<boolean> {
    const started = await this.#host().external.turnStarted({
      sessionKey,
      sender: this.#user,
      continuationOf: delivery?.leaseId,
    });
    if (started.kind === "dropped") return false;
    const transcriptPath = event.transcript_path;
    const offset = await transcriptLength(transcriptPath);
    const unwatch = this.#watch(sessionKey, started.turnId, transcriptPath, offset);
    const continuation = delivery !== undefined;
    this.#turns.set(sessionKey, { turnId: started.turnId, transcriptPath, offset, continuation, unwatch });
    return true;
  }

  /**
   * Watches a goal turn's transcript for an end no hook reports (the person's Esc; Codex giving up on the
   * provider), so the goal's status says so at once instead of waiting for the person's next prompt.
   */
  #watch(sessionKey: string, turnId: string, path: string | undefined, offset: number): () => void {
    if (!path) return () => {};
    let timer: NodeJS.Timeout | undefined;
    let watcher: ReturnType<typeof watch> | undefined;
    const check = () => {
      timer = undefined;
      void this.#serial(async () => {
        const running = this.#turns.get(sessionKey);
        if (running?.turnId !== turnId) return;
        const { end } = await this.#agent.readTurn(path, offset);
        if (end) await this.#endedUnreported(sessionKey, turnId, end);
        await this.#wake(sessionKey);
      }).catch(() => undefined);
    };
    try {
      watcher = watch(path, { persistent: false }, () => {
        timer ??= setTimeout(check, 50);
      });
      watcher.on("error", () => watcher?.close());
    } catch {
      // No transcript yet, or it cannot be watched: the next hook reads it.
    }
    return () => {
      watcher?.close();
      if (timer) clearTimeout(timer);
    };
  }

  /** Ends the session's running turn, if one runs; what its transcript recorded. */
  async #endTurn(
    sessionKey: string,
    event: HookEvent,
    outcome: TurnOutcome,
    expected?: ExpectedEnd,
  ): Promise<TurnRecord | undefined> {
    const running = this.#turns.get(sessionKey);
    if (!running) return undefined;
    this.#turns.delete(sessionKey);
    running.unwatch();
    const path = running.transcriptPath ?? event.transcript_path;
    const turn = await this.#agent.readTurn(path, running.offset, expected);
    const model = await this.#modelOf(sessionKey, turn, path, running.offset);
    await this.#host().external.turnEnded({
      sessionKey,
      turnId: running.turnId,
      usage: turn.usage,
      ...(model === undefined ? {} : { model }),
      outcome,
      text: outcome.status === "completed" ? (event.last_assistant_message ?? "") : "",
    });
    return turn;
  }

  /** The model a turn ran: as its transcript names it, else as the session's last turn did, else as before it. */
  async #modelOf(sessionKey: string, turn: TurnRecord, path: string | undefined, offset: number) {
    const model = turn.model ?? this.#models.get(sessionKey) ?? (await this.#agent.modelBefore(path, offset));
    if (model !== undefined) this.#models.set(sessionKey, model);
    return model;
  }

  /** A background Stop hook asks to be woken: held, in this session, until a continuation comes or none will. */
  async #registerWaker(event: HookEvent): Promise<{ answered: Promise<HookOutput> }> {
    const sessionKey = this.#agent.sessionKey(event.session_id);
    this.#agentIds.set(sessionKey, event.session_id);
    this.#wakers.get(sessionKey)?.answer("");
    const answered = new Promise<HookOutput>((resolve) => {
      const waker: Waker = {
        event,
        answer: (output) => {
          if (this.#wakers.get(sessionKey) === waker) this.#wakers.delete(sessionKey);
          resolve(output);
        },
      };
      this.#wakers.set(sessionKey, waker);
    });
    await this.#wake(sessionKey);
    return { answered };
  }

  /** The hook that waited to wake this session has gone (it timed out, or the agent ended). */
  forgetWaker(event: HookEvent): void {
    const sessionKey = this.#agent.sessionKey(event.session_id);
    const waker = this.#wakers.get(sessionKey);
    if (waker?.event === event) waker.answer("");
  }

  /**
   * Wakes an idle session whose continuation has come: its waker (Claude Code) exits with it, or it is
   * queued as the session's next prompt (Codex). A waker is held only while the session's goal waits (then
   * its Stop does not continue the turn), so `claude -p`, which runs it as an ordinary Stop hook, never
   * waits on it for anything else.
   */
  async #wake(sessionKey: string): Promise<void> {
    const waiting = await this.#noteWaits(sessionKey);
    const running = this.#turns.get(sessionKey);
    const waker = this.#wakers.get(sessionKey);
    if (this.#agent.wakes === "queued-message") {
      if (!running) await this.#queueWake(sessionKey);
      return;
    }
    if (!waker) return;
    if (running) {
      if (!waiting) waker.answer("");
      return;
    }
    if (this.#deliveries.has(sessionKey)) {
      const delivery = this.#take(sessionKey);
      if (delivery && (await this.#startTurn(sessionKey, waker.event, delivery))) {
        const turn = this.#turns.get(sessionKey);
        if (turn) turn.wokenWith = delivery.message.split("\n")[0];
        waker.answer(JSON.stringify({ wake: delivery.message }));
      } else {
        waker.answer("");
      }
      return;
    }
    const waitsFor = this.#options.waitsFor ?? (() => true);
    if (!waiting || !waitsFor(waker.event.hook_event_name)) waker.answer("");
  }

  /** Queues an idle Codex session's continuation as its next prompt; kept for the next Stop if refused. */
  async #queueWake(sessionKey: string): Promise<void> {
    const queue = this.#options.queueMessage;
    const id = this.#agentIds.get(sessionKey);
    if (!queue || id === undefined || this.#queued.has(sessionKey)) return;
    const delivery = this.#take(sessionKey);
    if (!delivery) return;
    this.#queued.set(sessionKey, delivery);
    if (await queue(id, delivery.message)) return;
    if (this.#queued.get(sessionKey) === delivery) {
      this.#queued.delete(sessionKey);
      this.#deliveries.set(sessionKey, delivery);
    }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the host is idle, including a lease a turn-end hook has just armed to run at once. */
async function settle(host: Host): Promise<void> {
  do {
    await host.idle();
    await new Promise((resolve) => setTimeout(resolve, 0));
  } while (!host.isIdle());
}
