import { watch } from "node:fs";
import type { ContinuationDelivery, Host, TurnOutcome } from "@goal-lease/sdk";
import type { AgentDialect, TurnRecord } from "../agent-dialect.js";
import type { HookEvent } from "../hook-event.js";
import { transcriptLength } from "../transcript-usage.js";
import type { ExpectedEnd } from "../turn-end.js";

export interface RunningTurn {
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

/** Called when a running turn's transcript changed, debounced: it may show an end no hook reports. */
export type TranscriptChanged = (sessionKey: string, turnId: string, path: string, offset: number) => void;

/**
 * The turns running in the agent's sessions, as the host's external turns: started at a prompt or a
 * continuation, ended with the usage and model the agent's transcript records, and watched meanwhile for
 * an end no hook reports (the person's Esc; Codex giving up on the provider).
 */
export class AgentTurns {
  readonly #host: () => Host;
  readonly #agent: AgentDialect;
  readonly #sender: { id: string; isOwner: true };
  readonly #changed: TranscriptChanged;
  readonly #turns = new Map<string, RunningTurn>();
  /** The model each session last ran, as its transcript named it: turns are priced at it. */
  readonly #models = new Map<string, string>();

  constructor(
    host: () => Host,
    agent: AgentDialect,
    sender: { id: string; isOwner: true },
    changed: TranscriptChanged,
  ) {
    this.#host = host;
    this.#agent = agent;
    this.#sender = sender;
    this.#changed = changed;
  }

  running(sessionKey: string): RunningTurn | undefined {
    return this.#turns.get(sessionKey);
  }

  all(): [string, RunningTurn][] {
    return [...this.#turns];
  }

  /** Starts the session's turn; with a delivery, as its continuation (false if admission drops it now). */
  async start(sessionKey: string, event: HookEvent, delivery?: ContinuationDelivery): Promise<boolean> {
    const started = await this.#host().external.turnStarted({
      sessionKey,
      sender: this.#sender,
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

  /** Ends the session's running turn, if one runs; what its transcript recorded. */
  async end(
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

  /** Stops watching every running turn's transcript. */
  close(): void {
    for (const turn of this.#turns.values()) turn.unwatch();
  }

  /** The model a turn ran: as its transcript names it, else as the session's last turn did, else as before it. */
  async #modelOf(sessionKey: string, turn: TurnRecord, path: string | undefined, offset: number) {
    const model = turn.model ?? this.#models.get(sessionKey) ?? (await this.#agent.modelBefore(path, offset));
    if (model !== undefined) this.#models.set(sessionKey, model);
    return model;
  }

  /** Watches a turn's transcript, so an end no hook reports is seen at once, not at the person's next prompt. */
  #watch(sessionKey: string, turnId: string, path: string | undefined, offset: number): () => void {
    if (!path) return () => {};
    let timer: NodeJS.Timeout | undefined;
    let watcher: ReturnType<typeof watch> | undefined;
    try {
      watcher = watch(path, { persistent: false }, () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          this.#changed(sessionKey, turnId, path, offset);
        }, 50);
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
}
