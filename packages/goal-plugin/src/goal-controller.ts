import type {
  LeaseRequest,
  LeaseRequestResult,
  PluginApi,
  SessionContext,
  StateWriteResult,
} from "@goal-lease/sdk";
import { budgetHit, capHit, type GateHit, remaining } from "./gates.js";
import { type Goal, type GoalActor, type GoalStatus, hasWakeTime, logEvent, setStatus } from "./goal.js";
import { goalStateLocation } from "./goal-reader.js";
import type { GoalEntry, GoalStore } from "./goal-store.js";
import { GoalTraces } from "./goal-trace.js";
import { turnsStarted } from "./goal-turns.js";
import { continuationMessage } from "./messages.js";

/** The lease key of a goal's continuations: one per goal, so a turn of a replaced goal is never counted for the next. */
export function leaseKeyOf(goal: Pick<Goal, "id">): string {
  return `goal.${goal.id}`;
}

/** A stop: which goal, the status it ends in, who stopped it and why. */
export interface GoalStop {
  goalId: string;
  to: GoalStatus;
  by: GoalActor;
  reason: string;
  gate?: GateHit;
}

/** Stops whose pending continuation could not be cleared, by the goal they returned: why. */
const clearFailures = new WeakMap<Goal, string>();

/** Why the pending continuation of a goal `stop` returned could not be cleared, if it could not. */
export function clearFailureOf(goal: Goal): string | undefined {
  return clearFailures.get(goal);
}

/** How often scheduling re-reads a goal that changed under it before giving up. */
const maxScheduleAttempts = 4;

/**
 * Moves goals between statuses with the lease kept in step. A stop is written first and the lease cleared
 * after; a continuation is requested only while the goal is still the version it was decided on, so a
 * stop never loses to a decision made before it.
 */
export class GoalController {
  readonly store: GoalStore;
  readonly #api: PluginApi;

  /** The goal's spans: each lease is requested in the span of the goal it continues. */
  readonly traces: GoalTraces;

  constructor(api: PluginApi, store: GoalStore, traces = new GoalTraces()) {
    this.#api = api;
    this.traces = traces;
    this.store = store;
  }

  now(): number {
    return this.#api.now();
  }

  /**
   * The next continuation of `goal` as a write on its way stores it, requested to follow that write (both
   * in one round trip): undefined when the goal is not to continue now (not active, or at a gate), which the
   * caller settles with {@link schedule} once the write is answered, as it does a request that failed.
   */
  requestAfter(
    context: SessionContext,
    goal: Goal,
    written: Promise<StateWriteResult>,
    turnsUsed: number,
  ): Promise<LeaseRequestResult> | undefined {
    if (goal.status !== "active" || hasWakeTime(goal)) return undefined;
    const next = this.#next(context, goal, turnsUsed);
    return "hit" in next
      ? undefined
      : this.#request(context, goal, { ...next, condition: { write: written } });
  }

  /**
   * The next continuation of `goal` to request, or the gate that stops it: its cap or budget. A goal turn
   * running here counts too, whoever asks: a pause and a resume made while the turn runs (a command applied
   * mid-turn) must not ask for one more continuation than the cap allows. A goal with a wake time continues
   * when it comes (or at once, once woken).
   */
  #next(
    context: SessionContext,
    goal: Goal,
    turnsUsed: number,
  ): { hit: GateHit } | Omit<LeaseRequest, "condition"> {
    const used = Math.max(turnsUsed, turnsStarted(goal));
    const now = this.now();
    const hit = capHit(goal, used) ?? budgetHit(goal, now);
    if (hit) return { hit };
    const wakeAt = hasWakeTime(goal) ? goal.wakeAt : now;
    return {
      session: context,
      leaseKey: leaseKeyOf(goal),
      message: continuationMessage({ ...goal, continuations: used }, now),
      delayMs: Math.max(0, Math.round(wakeAt - now)),
    };
  }

  /** Requests a continuation of `goal` in the goal's span. */
  #request(context: SessionContext, goal: Goal, request: LeaseRequest): Promise<LeaseRequestResult> {
    return this.traces.within(context.sessionKey, goal, () =>
      this.#api.session.workflow.requestSessionContinuationLease(request),
    );
  }

  /**
   * Requests the next continuation of an active goal, after the gates: a spent cap or budget stops the
   * goal instead, whoever asks (the model, a resume, a re-arm). If the host refuses, the goal becomes
   * `waiting_approval` rather than looking active with nothing scheduled. `turnsUsed` counts goal turns
   * started so far; `entry` spares a read when the caller has just written the goal.
   */
  async schedule(
    context: SessionContext,
    options: { turnsUsed: number; entry?: GoalEntry },
  ): Promise<Goal | undefined> {
    let entry = options.entry ?? (await this.store.readEntry(context));
    for (let attempt = 1; ; attempt++) {
      const goal = entry?.goal;
      if (!entry || (goal?.status !== "active" && !hasWakeTime(goal))) return goal;
      const next = this.#next(context, entry.goal, options.turnsUsed);
      if ("hit" in next) return this.stopAtGate(context, entry.goal.id, next.hit);
      const condition = { stateKey: goalStateLocation.key, version: entry.version };
      const result = await this.#request(context, entry.goal, { ...next, condition });
      // The goal changed since it was read (a stop, a report, a hook): decide again on what it is now.
      if (
        result.status === "rejected" &&
        result.reason === "condition_failed" &&
        attempt < maxScheduleAttempts
      ) {
        entry = await this.store.readEntry(context);
        continue;
      }
      const id = entry.goal.id;
      if (result.status === "scheduled") {
        await this.scheduled(context, entry.goal, result.lease.dueAt);
        return entry.goal;
      }
      return this.store.update(context, (current) => {
        if (current?.id !== id) return undefined;
        const now = this.now();
        logEvent(current, { at: now, type: "lease-failed", message: result.message });
        if (current.status === "active" || hasWakeTime(current)) {
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
  }

  /** The goal's next continuation is scheduled: logged with the turn's next write. */
  async scheduled(context: SessionContext, goal: Goal, dueAt: number): Promise<void> {
    await this.store.logWithTurn(context, goal, [{ at: this.now(), type: "lease-scheduled", dueAt }]);
  }

  /**
   * Stops goal `goalId` for a gate that closed, logged with it; without a gate's name, for what the host did
   * (a turn a restart cut short). `reason` is the gate's detail unless given.
   */
  stopAtGate(
    context: SessionContext,
    goalId: string,
    hit: GateHit | Omit<GateHit, "gate">,
    reason = hit.detail,
  ): Promise<Goal | undefined> {
    const gate = "gate" in hit ? hit : undefined;
    return this.stop(context, { goalId, to: hit.status, by: "gate", reason, gate });
  }

  /**
   * Stops goal `goalId` (if it is still the session's goal): the new status is written first, then its
   * pending continuation is cleared. A clear that fails is logged, and the continuation it left is declined
   * when it comes due (the goal is not active).
   */
  async stop(context: SessionContext, change: GoalStop): Promise<Goal | undefined> {
    const { goalId, to, by, reason, gate } = change;
    const stopped = await this.store.update(context, (current) => {
      if (current?.id !== goalId) return undefined;
      const now = this.now();
      if (gate) logEvent(current, { at: now, type: "gate", gate: gate.gate, detail: gate.detail });
      setStatus(current, to, by, reason, now, gate?.gate);
      return current;
    });
    if (!stopped) return undefined;
    const cleared = await this.#api.session.workflow.clearSessionContinuationLease({
      session: context,
      leaseKey: leaseKeyOf(stopped),
    });
    if (cleared.status !== "rejected") return stopped;
    await this.store.log(context, stopped, [
      { at: this.now(), type: "lease-clear-failed", message: cleared.message },
    ]);
    clearFailures.set(stopped, cleared.message);
    return stopped;
  }

  /** Whether a goal continuation is waiting in the host (not running, not lost). */
  async hasPendingLease(context: SessionContext, goal: Goal): Promise<boolean> {
    const found = await this.#api.session.workflow.getSessionContinuationLease({
      session: context,
      leaseKey: leaseKeyOf(goal),
    });
    return found.status === "pending";
  }

  /**
   * An active goal with no pending continuation and no goal turn running (its request was lost to a failed
   * write, or a crash) is re-armed through the gates, or stopped with the reason; never left stuck.
   */
  async reconcile(context: SessionContext): Promise<void> {
    const entry = await this.store.readEntry(context);
    if (!entry || (entry.goal.status !== "active" && !hasWakeTime(entry.goal))) return;
    // A goal whose wake was lost is re-armed for the same wake time.
    if (await this.hasPendingLease(context, entry.goal)) return;
    await this.schedule(context, { turnsUsed: entry.goal.continuations, entry });
  }

  /** What is left, as goal_status reports it to the model. */
  remainingFor(goal: Goal, turnsUsed: number) {
    const left = remaining(goal, this.now(), turnsUsed);
    return {
      continuations: left.continuations,
      tokens: left.tokens,
      timeSeconds: Math.floor(left.timeMs / 1_000),
      ...(left.costUsd === undefined ? {} : { dollars: Math.floor(left.costUsd * 10_000) / 10_000 }),
    };
  }
}
