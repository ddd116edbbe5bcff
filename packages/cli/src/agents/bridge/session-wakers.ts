import { hasWakeTime, readStoredGoal } from "@goal-lease/goal-plugin";
import type { ContinuationDelivery, Host } from "@goal-lease/sdk";
import type { AgentDialect } from "../agent-dialect.js";
import type { HookEvent } from "../hook-event.js";
import type { AgentTurns } from "./agent-turns.js";
import type { AgentBridgeOptions, HookOutput } from "./bridge-options.js";
import { checkRuns } from "./check-wait.js";

/**
 * A background Stop hook of Claude Code (`asyncRewake`) waiting to wake its idle session: answered with the
 * continuation, which it passes to Claude Code as the next message, or with nothing, when nothing will come.
 */
interface Waker {
  event: HookEvent;
  answer: (output: HookOutput) => void;
}

/**
 * How idle sessions are woken for a continuation that has come: Claude Code's background Stop hook (a
 * waker) exits with it, or it is queued as the session's next prompt (Codex). Continuations handed over
 * and not yet taken are in `deliveries`, shared with the bridge.
 */
export class SessionWakers {
  readonly #host: () => Host;
  readonly #agent: AgentDialect;
  readonly #options: AgentBridgeOptions;
  readonly #turns: AgentTurns;
  readonly #deliveries: Map<string, ContinuationDelivery>;
  readonly #wakers = new Map<string, Waker>();
  /** Continuations queued as the next prompt of an idle session (Codex), by session. */
  readonly #queued = new Map<string, ContinuationDelivery>();
  /** The agent's id of each session that ended a turn here, so it can be woken. */
  readonly #agentIds = new Map<string, string>();
  /** Sessions whose goal waits (for its wake time, a usage limit to lift, or its check). */
  readonly #waiting = new Set<string>();

  constructor(
    host: () => Host,
    agent: AgentDialect,
    options: AgentBridgeOptions,
    turns: AgentTurns,
    deliveries: Map<string, ContinuationDelivery>,
  ) {
    this.#host = host;
    this.#agent = agent;
    this.#options = options;
    this.#turns = turns;
    this.#deliveries = deliveries;
  }

  /** The agent named the session by this id in a hook: it is the id to wake it by. */
  seen(sessionKey: string, agentId: string): void {
    this.#agentIds.set(sessionKey, agentId);
  }

  /** Whether a continuation due in this idle session starts without the person: something can wake it. */
  canWake(sessionKey: string): boolean {
    return this.#agent.wakes === "rewake-hook"
      ? this.#wakers.has(sessionKey)
      : this.#options.queueMessage !== undefined && this.#agentIds.has(sessionKey);
  }

  /** The continuation queued as this prompt, if it is one: taken, its turn is the continuation's. */
  takeQueued(sessionKey: string, prompt: string): ContinuationDelivery | undefined {
    const queued = this.#queued.get(sessionKey);
    if (!queued || prompt !== queued.message) return undefined;
    this.#queued.delete(sessionKey);
    return queued;
  }

  /** A background Stop hook asks to be woken: held, in this session, until a continuation comes or none will. */
  async register(event: HookEvent): Promise<{ answered: Promise<HookOutput> }> {
    const sessionKey = this.#agent.sessionKey(event.session_id);
    this.seen(sessionKey, event.session_id);
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
    await this.wake(sessionKey);
    return { answered };
  }

  /** The hook that waited to wake this session has gone (it timed out, or the agent ended). */
  forget(event: HookEvent): void {
    const waker = this.#wakers.get(this.#agent.sessionKey(event.session_id));
    if (waker?.event === event) waker.answer("");
  }

  /**
   * Keeps {@link AgentBridgeOptions.waits} told whether any goal here waits: for its wake time, a usage
   * limit, or its check (whose failure continues the goal after the session went idle).
   */
  async noteWaits(sessionKey: string): Promise<boolean> {
    const goal = await readStoredGoal(this.#host().store, sessionKey);
    const waits = hasWakeTime(goal) || checkRuns(goal);
    const was = this.#waiting.size > 0;
    if (waits) this.#waiting.add(sessionKey);
    else this.#waiting.delete(sessionKey);
    if (was !== this.#waiting.size > 0) this.#options.waits?.(this.#waiting.size > 0);
    return waits;
  }

  /**
   * Wakes an idle session whose continuation has come: its waker (Claude Code) exits with it, or it is
   * queued as the session's next prompt (Codex). A waker is held only while the session's goal waits (then
   * its Stop does not continue the turn), so `claude -p`, which runs it as an ordinary Stop hook, never
   * waits on it for anything else.
   */
  async wake(sessionKey: string): Promise<void> {
    const waiting = await this.noteWaits(sessionKey);
    const running = this.#turns.running(sessionKey);
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
      if (delivery && (await this.#turns.start(sessionKey, waker.event, delivery))) {
        const turn = this.#turns.running(sessionKey);
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

  /** Lets every waiting waker go. */
  close(): void {
    for (const waker of this.#wakers.values()) waker.answer("");
    this.#wakers.clear();
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
}
