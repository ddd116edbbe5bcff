import type { PluginApi, SessionContext } from "@goal-lease/sdk";
import { type GateHit, remaining } from "./gates.js";
import { type Goal, type GoalActor, type GoalStatus, logEvent, setStatus } from "./goal.js";
import type { GoalStore } from "./goal-store.js";
import { continuationMessage } from "./messages.js";

/** The lease key of a goal's continuations: one per goal, so a turn of a replaced goal is never counted for the next. */
export function leaseKeyOf(goal: Pick<Goal, "id">): string {
  return `goal.${goal.id}`;
}

/** The outcome of stopping a goal: stopping fails only when the pending lease could not be cleared. */
export type StopResult = { ok: true; goal: Goal | undefined } | { ok: false; message: string };

/** Moves goals between statuses with the lease kept in step: clear before stopping, schedule before running. */
export class GoalController {
  readonly store: GoalStore;
  readonly #api: PluginApi;

  constructor(api: PluginApi, store: GoalStore) {
    this.#api = api;
    this.store = store;
  }

  now(): number {
    return this.#api.now();
  }

  /**
   * Requests the next continuation. If the host refuses, the goal becomes `waiting_approval` rather than
   * looking active with nothing scheduled. `turnsUsed` counts goal turns started so far; `goal` spares a
   * read when the caller has just written it.
   */
  async schedule(
    context: SessionContext,
    options: { reminder: boolean; turnsUsed: number; goal?: Goal },
  ): Promise<Goal | undefined> {
    const goal = options.goal ?? (await this.store.read(context));
    if (goal?.status !== "active") return goal;
    const message = continuationMessage({ ...goal, continuations: options.turnsUsed }, this.now(), options);
    const result = await this.#api.session.workflow.requestSessionContinuationLease({
      session: context,
      leaseKey: leaseKeyOf(goal),
      message,
    });
    return this.store.update(context, (current) => {
      if (!current) return undefined;
      const now = this.now();
      if (result.status === "scheduled") {
        logEvent(current, { at: now, type: "lease-scheduled", reminder: options.reminder });
        if (options.reminder) current.reminderUsed = true;
      } else {
        logEvent(current, { at: now, type: "lease-failed", message: result.message });
        setStatus(
          current,
          "waiting_approval",
          "gate",
          `the next continuation could not be scheduled: ${result.message}`,
          now,
        );
      }
      return current;
    });
  }

  /** Clears the pending continuation, then writes the stop status; if clearing fails the goal stays as it was. */
  async stop(
    context: SessionContext,
    to: GoalStatus,
    by: GoalActor,
    reason: string,
    gate?: GateHit,
  ): Promise<StopResult> {
    const target = await this.store.read(context);
    if (!target) return { ok: true, goal: undefined };
    const cleared = await this.#api.session.workflow.clearSessionContinuationLease({
      session: context,
      leaseKey: leaseKeyOf(target),
    });
    if (cleared.status === "rejected") {
      return {
        ok: false,
        message: `The pending continuation could not be cleared (${cleared.message}); the goal is unchanged.`,
      };
    }
    const goal = await this.store.update(context, (current) => {
      if (current?.id !== target.id) return undefined;
      const now = this.now();
      if (gate) logEvent(current, { at: now, type: "gate", gate: gate.gate, detail: gate.detail });
      setStatus(current, to, by, reason, now);
      return current;
    });
    return { ok: true, goal };
  }

  /** Whether a goal continuation is waiting in the host (not running, not lost). */
  async hasPendingLease(context: SessionContext, goal: Goal): Promise<boolean> {
    const found = await this.#api.session.workflow.getSessionContinuationLease({
      session: context,
      leaseKey: leaseKeyOf(goal),
    });
    return found.status === "pending";
  }

  /** What is left, as goal_status reports it to the model. */
  remainingFor(goal: Goal, turnsUsed: number) {
    const left = remaining(goal, this.now(), turnsUsed);
    return {
      continuations: left.continuations,
      tokens: left.tokens,
      timeSeconds: Math.floor(left.timeMs / 1_000),
    };
  }
}
