import type { ContinuationDelivery, ExternalTurns, ModelUsage, TurnOutcome } from "@goal-lease/sdk";

/** What the adapter made of an OpenClaw agent run: a reported turn, or a stale continuation to skip. */
export type RunDecision =
  | { kind: "skip"; reason: string }
  | { kind: "turn"; turnId: string; continuation?: string };

interface Run {
  runId: string;
  decision: Promise<RunDecision>;
  texts: string[];
  usage?: ModelUsage;
  model?: string;
  outcome?: TurnOutcome;
  timer?: ReturnType<typeof setTimeout>;
}

/** Agent runs seen by the hooks, at most one per session. */
export interface RunStart {
  sessionKey: string;
  runId: string;
  trigger: string;
  /** SECURITY: user text, untrusted; only passed to the plugins' user-message hooks. */
  text?: string;
}

const openClawSender = { id: "openclaw", isOwner: false };
// OpenClaw reports a run's usage (llm_output) just after its end (agent_end); a run without model output
// never reports it, so its end is taken as final after this long.
const usageWaitMs = 1_000;
// OpenClaw defers wakes (at most five heartbeat runs a minute per agent), so a run we asked for may come a
// minute or more after its continuation was taken or withdrawn; a heartbeat run this soon after our last
// request is ours.
const wakeRunWithinMs = 5 * 60_000;

/**
 * Maps OpenClaw's agent runs onto the host's external turns. The first hook of a run decides what it is: a
 * heartbeat run that follows one of our wakes is the delivered continuation, re-admitted now; anything
 * else is a user turn. Hooks of one run may arrive in any order, so the decision is made once and shared.
 */
export class AgentRuns {
  readonly #runs = new Map<string, Run>();
  readonly #wakes = new Map<string, ContinuationDelivery>();
  /**
   * The run whose goal turn ended on a usage limit, per session: OpenClaw retries such a run itself (the
   * same run, after the provider's delay), and those attempts are skipped, since the goal resumes its one
   * continuation when the limit lifts, by its own wake.
   */
  readonly #limited = new Map<string, string>();
  /** Heartbeat runs we asked OpenClaw for and have not seen yet, per session, and when we last asked. */
  readonly #requested = new Map<string, { count: number; at: number }>();
  readonly #external: () => ExternalTurns;
  readonly #rewake: (sessionKey: string) => void;

  constructor(external: () => ExternalTurns, rewake: (sessionKey: string) => void) {
    this.#external = external;
    this.#rewake = rewake;
  }

  /** Remembers a continuation handed over for `sessionKey`; its heartbeat run will claim it. */
  expectWake(delivery: ContinuationDelivery): void {
    this.#wakes.set(delivery.sessionKey, delivery);
  }

  /** We are asking OpenClaw for a heartbeat run of the session. */
  wakeRequested(sessionKey: string): void {
    const count = (this.#requested.get(sessionKey)?.count ?? 0) + 1;
    this.#requested.set(sessionKey, { count, at: Date.now() });
  }

  /** True when a handed-over continuation still waits for its run in the session. */
  awaitsWake(sessionKey: string): boolean {
    return this.#wakes.has(sessionKey);
  }

  /** The decision for this run, made by whichever of its hooks comes first. */
  start(input: RunStart): Promise<RunDecision> {
    const current = this.#runs.get(input.sessionKey);
    if (current?.runId === input.runId) return current.decision;
    const retried = this.#limited.get(input.sessionKey) === input.runId;
    if (!retried) this.#limited.delete(input.sessionKey);
    const decision: Promise<RunDecision> = retried
      ? Promise.resolve({ kind: "skip", reason: "usage_limited" })
      : this.#decide(input, current);
    const run: Run = { runId: input.runId, texts: [], decision };
    this.#runs.set(input.sessionKey, run);
    return run.decision;
  }

  /** The decision of the session's current run, if a hook has seen one. */
  current(sessionKey: string): Promise<RunDecision> | undefined {
    return this.#runs.get(sessionKey)?.decision;
  }

  /** The run's model output and usage; ends its turn if the run already ended. */
  recordOutput(
    sessionKey: string,
    runId: string,
    output: { texts: string[]; usage: ModelUsage; model?: string },
  ): Promise<void> {
    const run = this.#runs.get(sessionKey);
    if (run?.runId !== runId) return Promise.resolve();
    run.texts.push(...output.texts);
    run.usage = output.usage;
    run.model = output.model ?? run.model;
    return run.outcome ? this.#finish(sessionKey, run) : Promise.resolve();
  }

  /** The run ended; its turn ends once its usage is in. */
  end(sessionKey: string, runId: string, outcome: TurnOutcome): Promise<void> {
    const run = this.#runs.get(sessionKey);
    if (run?.runId !== runId || run.outcome) return Promise.resolve();
    run.outcome = outcome;
    if (run.usage) return this.#finish(sessionKey, run);
    run.timer = setTimeout(() => void this.#finish(sessionKey, run).catch(() => undefined), usageWaitMs);
    return Promise.resolve();
  }

  async #finish(sessionKey: string, run: Run): Promise<void> {
    clearTimeout(run.timer);
    if (this.#runs.get(sessionKey) !== run) return;
    this.#runs.delete(sessionKey);
    await this.#report(sessionKey, run);
  }

  async #report(sessionKey: string, run: Run): Promise<void> {
    const decision = await run.decision;
    // A user run may have taken the wake of a continuation handed over before it ended; wakes coalesce.
    const tookWake = decision.kind === "turn" && !decision.continuation && this.#wakes.has(sessionKey);
    const outcome = run.outcome ?? { status: "completed" };
    if (decision.kind === "turn" && decision.continuation && isUsageLimit(outcome)) {
      this.#limited.set(sessionKey, run.runId);
    }
    if (decision.kind === "turn") {
      await this.#external().turnEnded({
        sessionKey,
        turnId: decision.turnId,
        usage: run.usage ?? { inputTokens: 0, outputTokens: 0 },
        ...(run.model === undefined ? {} : { model: run.model }),
        outcome,
        text: run.texts.join("\n"),
      });
    }
    if (tookWake) this.#rewake(sessionKey);
  }

  async #decide(input: RunStart, previous: Run | undefined): Promise<RunDecision> {
    const { sessionKey } = input;
    // OpenClaw never reported the previous run's end; close it so the session does not stay busy forever.
    if (previous) {
      clearTimeout(previous.timer);
      const message = "OpenClaw did not report the end of this run";
      previous.outcome ??= { status: "error", kind: "host_error", message };
      await this.#report(sessionKey, previous).catch(() => undefined);
    }
    const external = this.#external();
    const wake = input.trigger === "heartbeat" ? this.#wakes.get(sessionKey) : undefined;
    if (input.trigger === "heartbeat") {
      const requested = this.#requested.get(sessionKey);
      const ours = requested !== undefined && Date.now() - requested.at < wakeRunWithinMs;
      if (requested && requested.count > 1) requested.count--;
      else this.#requested.delete(sessionKey);
      // A run we asked for whose continuation was taken or withdrawn meanwhile (a stop, a user's run, an
      // earlier run of ours): no continuation is pending, so nothing goes to the model.
      if (!wake && ours) return { kind: "skip", reason: "no_continuation_pending" };
    }
    if (wake) {
      this.#wakes.delete(sessionKey);
      const started = await external.turnStarted({ sessionKey, continuationOf: wake.leaseId });
      if (started.kind === "dropped") return { kind: "skip", reason: started.reason };
      return { kind: "turn", turnId: started.turnId, continuation: wake.message };
    }
    if (input.trigger === "user" && input.text) {
      await external.userMessage({ sessionKey, text: input.text, sender: openClawSender });
    }
    const started = await external.turnStarted({ sessionKey, sender: openClawSender });
    if (started.kind === "dropped") return { kind: "skip", reason: started.reason };
    return { kind: "turn", turnId: started.turnId };
  }
}

const isUsageLimit = (outcome: TurnOutcome) => outcome.status === "error" && outcome.kind === "usage_limited";
