import { randomUUID } from "node:crypto";
import type { SessionContext } from "@goal-lease/sdk";
import { type Goal, logEvent, setStatus } from "../goal.js";
import type { GoalController } from "../goal-controller.js";
import type { GoalEntry } from "../goal-store.js";
import type { CheckRun } from "./check-state.js";
import { type CheckOutcome, type RunningCheck, runCheck } from "./run-check.js";

/**
 * Where and how checks run: the session's working folder (the process's, unless the host knows better), and
 * where a result being acted on is counted as the host's work (the plugin API's `background`).
 */
export interface CheckOptions {
  cwd: (context: SessionContext) => string;
  background: (work: Promise<unknown>) => void;
  run?: typeof runCheck;
}

/**
 * The person's checks: when the model reports a goal done, its check runs before the goal is; it passes
 * (the goal is done), fails (the next continuation tells the model what it printed, within the gates), or
 * cannot start (the goal is blocked). A person's pause, done or clear kills a running check; a restart runs
 * it again.
 */
export class GoalChecks {
  readonly #controller: GoalController;
  readonly #options: CheckOptions;
  /** The check running for each session, by this process. */
  readonly #running = new Map<string, { runId: string; check: RunningCheck }>();

  constructor(controller: GoalController, options: CheckOptions) {
    this.#controller = controller;
    this.#options = options;
  }

  /** The model reported `entry`'s goal done: its check starts; false if it has none to run. */
  async begin(context: SessionContext, entry: GoalEntry, note: string): Promise<boolean> {
    const id = entry.goal.id;
    const written = await this.#controller.store.write(context, (current) => {
      if (current?.id !== id || current.status !== "active" || !current.check) return undefined;
      const now = this.#controller.now();
      current.check.running ??= { id: randomUUID(), startedAt: now, note };
      logEvent(current, { at: now, type: "check-started", command: current.check.command });
      return current;
    });
    if (!written?.goal.check?.running) return false;
    this.start(context, written.goal);
    return true;
  }

  /** Runs the check a goal is waiting on (again, after a restart), unless this process runs it already. */
  start(context: SessionContext, goal: Goal): void {
    const { check } = goal;
    if (!check?.running || this.#running.get(context.sessionKey)?.runId === check.running.id) return;
    const runId = check.running.id;
    const run = this.#options.run ?? runCheck;
    const running = run(check.command, {
      shell: check.shell,
      cwd: this.#options.cwd(context),
      timeoutMs: check.timeoutMs,
    });
    this.#running.set(context.sessionKey, { runId, check: running });
    const forget = () => {
      if (this.#running.get(context.sessionKey)?.runId === runId) this.#running.delete(context.sessionKey);
    };
    // Counted from its result on, not while it runs: so whoever sees the result on record and waits for the
    // host also sees what it decided (a continuation scheduled, or the goal done).
    void running.outcome.then(
      (outcome) => this.#options.background(this.#finish(context, goal.id, runId, outcome).finally(forget)),
      forget,
    );
  }

  /** Runs the check an active goal waits on, if any (a restart cut the last run short); true if one does. */
  async resume(context: SessionContext, goal: Goal | undefined): Promise<boolean> {
    if (goal?.status !== "active" || !goal.check?.running) return false;
    const { command } = goal.check;
    await this.#controller.store.log(context, goal, [
      { at: this.#controller.now(), type: "check-started", command },
    ]);
    this.start(context, goal);
    return true;
  }

  /** Kills the session's running check, whose result then changes nothing: the person decided. */
  cancel(sessionKey: string): void {
    this.#running.get(sessionKey)?.check.kill();
    this.#running.delete(sessionKey);
  }

  async #finish(
    context: SessionContext,
    goalId: string,
    runId: string,
    outcome: CheckOutcome,
  ): Promise<void> {
    const written = await this.#controller.store.write(context, (current) => {
      const check = current?.check;
      // A stop, a new goal or a newer run came first: this result decides nothing.
      if (current?.id !== goalId || current.status !== "active" || check?.running?.id !== runId)
        return undefined;
      const now = this.#controller.now();
      const note = check.running.note;
      delete check.running;
      check.runs += 1;
      if (outcome.kind === "unrunnable") {
        logEvent(current, { at: now, type: "check-unrunnable", message: outcome.message });
        setStatus(current, "blocked", "gate", outcome.message, now);
        return current;
      }
      const passed = outcome.exitCode === 0 && !outcome.timedOut;
      const { exitCode, timedOut, durationMs, output } = outcome;
      check.last = { at: now, passed, exitCode, timedOut, durationMs, output } satisfies CheckRun;
      if (passed) {
        logEvent(current, { at: now, type: "check-passed", durationMs });
        setStatus(current, "done", "model", `${note} (the check passed)`, now);
      } else {
        check.failures += 1;
        logEvent(current, { at: now, type: "check-failed", exitCode, timedOut, durationMs });
      }
      return current;
    });
    // A failed check is not done: the goal goes on, within its gates, told what the check printed.
    if (written?.goal.status === "active") {
      await this.#controller.schedule(context, { turnsUsed: written.goal.continuations, entry: written });
    }
  }
}
