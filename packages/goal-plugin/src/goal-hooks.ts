import type { PluginApi, SessionContext, TurnEndEvent } from "@goal-lease/sdk";
import { budgetHit, capHit } from "./gates.js";
import { logEvent } from "./goal.js";
import { type GoalController, goalLeaseKey } from "./goal-controller.js";
import { contextLine } from "./messages.js";

/** Registers the hooks that keep the goal's accounts and enforce the gates after every turn. */
export function registerGoalHooks(api: PluginApi, controller: GoalController): void {
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

  // The turn was spent even though it never finished, so it counts; the goal waits for the user.
  api.on("lease-interrupted", async (event, context) => {
    if (event.leaseKey !== goalLeaseKey) return;
    const goal = await controller.store.update(context, (current) => {
      if (!current) return undefined;
      current.continuations += 1;
      return current;
    });
    if (goal?.status === "active") {
      await controller.stop(
        context,
        "paused",
        "gate",
        "a goal turn was interrupted by a restart; /goal resume continues",
      );
    }
  });

  api.on("session-reset", async (_event, context) => {
    const goal = await controller.store.read(context);
    if (goal?.status === "active") await controller.stop(context, "paused", "user", "the session was reset");
  });
}

async function onTurnEnd(
  controller: GoalController,
  event: TurnEndEvent,
  context: SessionContext,
): Promise<void> {
  const goalTurn = event.leaseKey === goalLeaseKey;
  const goal = await controller.store.update(context, (current) => {
    if (!current || (!goalTurn && current.status !== "active")) return undefined;
    current.tokensUsed += event.usage.inputTokens + event.usage.outputTokens;
    if (goalTurn) {
      current.continuations += 1;
      const { inputTokens, outputTokens, durationMs } = event.usage;
      logEvent(current, {
        at: controller.now(),
        type: "continuation-ended",
        turn: current.continuations,
        inputTokens,
        outputTokens,
        durationMs,
      });
    }
    return current;
  });
  if (goal?.status !== "active") return;

  if (goalTurn && event.outcome.status === "error") {
    const detail = event.outcome.message;
    await controller.stop(context, "paused", "gate", `a goal turn failed: ${detail}`, {
      gate: "model_error",
      status: "paused",
      detail,
    });
    return;
  }
  const budget = budgetHit(goal, controller.now());
  if (budget) {
    await controller.stop(context, budget.status, "gate", budget.detail, budget);
    return;
  }
  if (!goalTurn || goal.lastReportTurnId === event.turnId) return;
  // A goal turn that ended without goal_status gets one reminder, then the user decides.
  const cap = capHit(goal, goal.continuations);
  if (!goal.reminderUsed && !cap) {
    await controller.schedule(context, { reminder: true, turnsUsed: goal.continuations });
    return;
  }
  await controller.stop(context, "waiting_approval", "gate", "goal turns ended without goal_status", {
    gate: cap ? cap.gate : "no_status",
    status: "waiting_approval",
    detail: cap ? cap.detail : "the model did not call goal_status after a reminder",
  });
}
