import type { PluginApi } from "@goal-lease/sdk";
import { capHit, remaining } from "./gates.js";
import { countContinuation, type Goal, hasWakeTime, setStatus } from "./goal.js";
import type { GoalChecks } from "./goal-check/goal-checks.js";
import { type GoalController, leaseKeyOf } from "./goal-controller.js";
import { onTurnEnd } from "./goal-turn-end.js";
import { goalTurnEnded, goalTurnStarted } from "./goal-turns.js";
import { contextLine } from "./messages.js";

/** Registers the hooks that keep the goal's accounts and enforce the gates around every turn. */
export function registerGoalHooks(api: PluginApi, controller: GoalController, checks: GoalChecks): void {
  // What happened, not what the goal is: appended to its log, with no write of the goal.
  api.on("turn-start", async (event, context) => {
    if (event.leaseKey === undefined) return;
    const goal = await controller.store.read(context);
    if (!goal || event.leaseKey !== leaseKeyOf(goal)) return;
    const turn = goal.continuations + 1;
    goalTurnStarted(goal.id, event.turnId, controller.now());
    // The turn's start is on record already (its claimed lease, its input): this goes with its next write.
    await controller.store.logWithTurn(context, goal, [
      { at: controller.now(), type: "continuation-started", turn },
    ]);
  });

  api.on("turn-end", async (event, context) => {
    try {
      await onTurnEnd(controller, event, context);
    } finally {
      goalTurnEnded(event.turnId);
      await controller.store.endTurn(context);
    }
  });

  api.on("prompt-context", async (context) => {
    const goal = await controller.store.read(context);
    return goal?.status === "active" ? contextLine(goal, controller.now()) : undefined;
  });

  api.on("user-message", async (_event, context) => {
    const goal = await controller.store.read(context);
    if (goal?.status !== "active") return;
    await controller.store.log(context, goal, [{ at: controller.now(), type: "user-preempted" }]);
  });

  // The turn was spent even though its end is not on record, so it counts. Cut short by a process that
  // ended, it waits for the user; one that ended here while the store failed is not cut short, and the goal
  // goes on through its gates once the session is ready again. The host tells at least once (a crash during
  // recovery tells again), so the lease id makes this idempotent.
  api.on("lease-interrupted", async (event, context) => {
    let counted = false;
    const goal = await controller.store.update(context, (current) => {
      if (!current || event.leaseKey !== leaseKeyOf(current)) return undefined;
      // Already counted at its end: the turn finished and only the host's bookkeeping was cut off.
      counted = countContinuation(current, event.leaseId);
      return counted ? current : undefined;
    });
    if (!counted || !goal || event.reason === "store_failed") return;
    controller.traces.interrupted(context.sessionKey, goal, event.leaseId);
    if (goal.status === "active") {
      await controller.stopAtGate(context, goal.id, {
        status: "paused",
        detail: "a goal turn was interrupted by a restart; resume continues it",
      });
    }
  });

  // The admission re-check: a continuation comes due only for the goal it was requested for, while it is
  // active. One left by a stop whose clear failed, or from a goal since replaced, is declined, and logged.
  // An admitted turn may spend what is left of the token budget, and no more: the host caps it there.
  api.on("lease-admission", async (event, context) => {
    const goal = await controller.store.read(context);
    const ceiling = (current: Goal) => {
      const left = remaining(current, controller.now());
      return left.costUsd === undefined
        ? { maxTokens: left.tokens }
        : { maxTokens: left.tokens, maxCostUsd: left.costUsd };
    };
    if (goal?.status === "active" && event.leaseKey === leaseKeyOf(goal)) {
      // The cap again, as the turn is about to start: a continuation asked for in a race (a command applied
      // while a turn ran) never runs past it.
      const hit = capHit(goal, goal.continuations);
      if (!hit) return ceiling(goal);
      await controller.stopAtGate(context, goal.id, hit);
      return false;
    }
    // A wait's one continuation: the goal is active again for it.
    if (hasWakeTime(goal) && event.leaseKey === leaseKeyOf(goal)) {
      const woken = await controller.store.update(context, (current) => {
        if (current?.id !== goal.id || !hasWakeTime(current)) return undefined;
        const reason =
          current.status === "waiting" ? "the wait is over" : "the usage limit's retry time has come";
        setStatus(current, "active", "gate", reason, controller.now());
        return current;
      });
      if (woken?.status === "active") return ceiling(woken);
    }
    if (goal && event.leaseKey === leaseKeyOf(goal)) {
      await controller.store.log(context, goal, [{ at: controller.now(), type: "continuation-declined" }]);
    }
    return false;
  });

  // A session this host opens or takes over: an active goal left with nothing scheduled is re-armed
  // through the gates, or stopped with the reason.
  // A check a restart cut short runs again: it, not a new turn, decides whether the model's "done" stands.
  api.on("session-ready", async (_event, context) => {
    if (await checks.resume(context, await controller.store.read(context))) return;
    await controller.reconcile(context);
  });

  api.on("session-reset", async (_event, context) => {
    const goal = await controller.store.read(context);
    if (goal?.status === "active" || hasWakeTime(goal)) {
      await controller.stop(context, {
        goalId: goal.id,
        to: "paused",
        by: "user",
        reason: "the session was reset",
      });
    }
  });
}
