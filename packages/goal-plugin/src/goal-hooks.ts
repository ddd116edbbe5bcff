import type { PluginApi, SessionContext, TurnEndEvent } from "@goal-lease/sdk";
import { budgetHit, capHit } from "./gates.js";
import { countContinuation, type Goal, logEvent } from "./goal.js";
import { type GoalController, leaseKeyOf } from "./goal-controller.js";
import { contextLine } from "./messages.js";

/** Registers the hooks that keep the goal's accounts and enforce the gates around every turn. */
export function registerGoalHooks(api: PluginApi, controller: GoalController): void {
  api.on("turn-start", async (event, context) => {
    await controller.store.update(context, (goal) => {
      if (!goal || event.leaseKey !== leaseKeyOf(goal)) return undefined;
      logEvent(goal, { at: controller.now(), type: "continuation-started", turn: goal.continuations + 1 });
      return goal;
    });
  });

  api.on("turn-end", (event, context) => onTurnEnd(controller, event, context));

  api.on("prompt-context", async (context) => {
    const goal = await controller.store.read(context);
    return goal?.status === "active" ? contextLine(goal, controller.now()) : undefined;
  });

  api.on("user-message", async (_event, context) => {
    await controller.store.update(context, (goal) => {
      if (goal?.status !== "active") return undefined;
      logEvent(goal, { at: controller.now(), type: "user-preempted" });
      return goal;
    });
  });

  // The turn was spent even though it never finished, so it counts; the goal waits for the user. The host
  // tells at least once (a crash during recovery tells again), so the lease id makes this idempotent.
  api.on("lease-interrupted", async (event, context) => {
    let counted = false;
    const goal = await controller.store.update(context, (current) => {
      if (!current || event.leaseKey !== leaseKeyOf(current)) return undefined;
      // Already counted at its end: the turn finished and only the host's bookkeeping was cut off.
      counted = countContinuation(current, event.leaseId);
      return counted ? current : undefined;
    });
    if (counted && goal?.status === "active") {
      await controller.stop(context, {
        goalId: goal.id,
        to: "paused",
        by: "gate",
        reason: "a goal turn was interrupted by a restart; resume continues it",
      });
    }
  });

  // The admission re-check: a continuation comes due only for the goal it was requested for, while it is
  // active. One left by a stop whose clear failed, or from a goal since replaced, is declined, and logged.
  api.on("lease-admission", async (event, context) => {
    const goal = await controller.store.read(context);
    if (goal?.status === "active" && event.leaseKey === leaseKeyOf(goal)) return true;
    await controller.store.update(context, (current) => {
      if (!current || event.leaseKey !== leaseKeyOf(current)) return undefined;
      logEvent(current, { at: controller.now(), type: "continuation-declined" });
      return current;
    });
    return false;
  });

  // A session this host opens or takes over: an active goal left with nothing scheduled is re-armed
  // through the gates, or stopped with the reason.
  api.on("session-ready", (_event, context) => controller.reconcile(context));

  api.on("session-reset", async (_event, context) => {
    const goal = await controller.store.read(context);
    if (goal?.status === "active") {
      await controller.stop(context, {
        goalId: goal.id,
        to: "paused",
        by: "user",
        reason: "the session was reset",
      });
    }
  });
}

async function onTurnEnd(
  controller: GoalController,
  event: TurnEndEvent,
  context: SessionContext,
): Promise<void> {
  let goalTurn = false;
  const entry = await controller.store.write(context, (current) => {
    goalTurn = current !== undefined && event.leaseKey === leaseKeyOf(current);
    // A goal pays for its own continuations and for the user's turns while it runs, not for other leases' turns.
    const userTurn = event.kind === "user" && current?.status === "active";
    if (!current || !(goalTurn || userTurn)) return undefined;
    current.tokensUsed += event.usage.inputTokens + event.usage.outputTokens;
    // A turn the provider failed (an error, a timeout) did no work: it is not one of the user's continuations.
    if (goalTurn && event.outcome.status === "error" && failedAtProvider(event)) {
      const turn = current.continuations + 1;
      logEvent(current, {
        at: controller.now(),
        type: "continuation-failed",
        turn,
        message: event.outcome.message,
      });
    } else if (goalTurn) recordContinuation(current, event, controller.now());
    return current;
  });
  const goal = entry?.goal;
  if (!entry || goal?.status !== "active") return;

  if (goalTurn && event.outcome.status === "error") {
    const detail = event.outcome.message;
    await controller.stop(context, {
      goalId: goal.id,
      to: "paused",
      by: "gate",
      reason: `a goal turn failed: ${detail}`,
      gate: { gate: "model_error", status: "paused", detail },
    });
    return;
  }
  const budget = budgetHit(goal, controller.now());
  if (budget) {
    await controller.stop(context, {
      goalId: goal.id,
      to: budget.status,
      by: "gate",
      reason: budget.detail,
      gate: budget,
    });
    return;
  }
  if (!goalTurn || goal.lastReportTurnId === event.turnId) return;
  // A goal turn that ended without goal_status gets one reminder, then the user decides.
  const cap = capHit(goal, goal.continuations);
  if (!goal.reminderUsed && !cap) {
    await controller.schedule(context, { reminder: true, turnsUsed: goal.continuations, entry });
    return;
  }
  await controller.stop(context, {
    goalId: goal.id,
    to: cap ? "turn_limited" : "waiting_approval",
    by: "gate",
    reason: cap ? cap.detail : "goal turns ended without goal_status",
    gate: {
      gate: cap ? cap.gate : "no_status",
      status: cap ? "turn_limited" : "waiting_approval",
      detail: cap ? cap.detail : "the model did not call goal_status after a reminder",
    },
  });
}

function recordContinuation(goal: Goal, event: TurnEndEvent, now: number): void {
  if (!countContinuation(goal, event.leaseId)) return;
  const { inputTokens, outputTokens, durationMs } = event.usage;
  logEvent(goal, {
    at: now,
    type: "continuation-ended",
    turn: goal.continuations,
    inputTokens,
    outputTokens,
    durationMs,
  });
}

function failedAtProvider(event: TurnEndEvent): boolean {
  return (
    event.outcome.status === "error" &&
    (event.outcome.kind === "model_error" || event.outcome.kind === "model_timeout")
  );
}
