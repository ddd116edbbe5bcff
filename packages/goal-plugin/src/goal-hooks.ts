import type { PluginApi, SessionContext, TurnEndEvent } from "@goal-lease/sdk";
import { budgetHit, noProgressRepeats, normalizeNote } from "./gates.js";
import { countContinuation, type Goal, logEvent, setStatus } from "./goal.js";
import { type GoalController, leaseKeyOf } from "./goal-controller.js";
import { maxNoteChars } from "./goal-status-tool.js";
import { contextLine } from "./messages.js";

/** Registers the hooks that keep the goal's accounts and enforce the gates around every turn. */
export function registerGoalHooks(api: PluginApi, controller: GoalController): void {
  // What happened, not what the goal is: appended to its log, with no write of the goal.
  api.on("turn-start", async (event, context) => {
    if (event.leaseKey === undefined) return;
    const goal = await controller.store.read(context);
    if (!goal || event.leaseKey !== leaseKeyOf(goal)) return;
    const turn = goal.continuations + 1;
    await controller.store.log(context, goal, [{ at: controller.now(), type: "continuation-started", turn }]);
  });

  api.on("turn-end", async (event, context) => {
    try {
      await onTurnEnd(controller, event, context);
    } finally {
      controller.store.forgetTurn(context);
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
    // A wait's one continuation: the goal is active again for it.
    if (goal?.status === "waiting" && event.leaseKey === leaseKeyOf(goal)) {
      const woken = await controller.store.update(context, (current) => {
        if (current?.id !== goal.id || current.status !== "waiting") return undefined;
        setStatus(current, "active", "gate", "the wait is over", controller.now());
        return current;
      });
      if (woken?.status === "active") return true;
    }
    if (goal && event.leaseKey === leaseKeyOf(goal)) {
      await controller.store.log(context, goal, [{ at: controller.now(), type: "continuation-declined" }]);
    }
    return false;
  });

  // A session this host opens or takes over: an active goal left with nothing scheduled is re-armed
  // through the gates, or stopped with the reason.
  api.on("session-ready", (_event, context) => controller.reconcile(context));

  api.on("session-reset", async (_event, context) => {
    const goal = await controller.store.read(context);
    if (goal?.status === "active" || goal?.status === "waiting") {
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
    } else if (goalTurn) {
      recordContinuation(current, event, controller.now());
      if (current.lastReportTurnId !== event.turnId) noteClosingText(current, event);
    }
    return current;
  });
  const goal = entry?.goal;
  // A goal that has just begun to wait still answers to the gates for the turn that asked for it.
  if (!entry || (goal?.status !== "active" && goal?.status !== "waiting")) return;

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
  // A report made in the turn has already decided what comes next.
  if (!goalTurn || goal.lastReportTurnId === event.turnId) return;
  // Otherwise the goal goes on, within the gates: the model calls goal_status only to stop it, so a
  // continuation costs no model call just to say "continue".
  if ((goal.repeatedNote?.count ?? 0) >= noProgressRepeats) {
    const detail = `the model ended ${noProgressRepeats} goal turns in a row with the same words`;
    await controller.stop(context, {
      goalId: goal.id,
      to: "blocked",
      by: "gate",
      reason: detail,
      gate: { gate: "no_progress", status: "blocked", detail },
    });
    return;
  }
  await controller.schedule(context, { turnsUsed: goal.continuations, entry });
}

/**
 * Keeps a turn's closing words as the goal's note, and counts how often the same words (and tools) close a
 * turn in a row: without a report, that is the sign of a loop that no longer makes progress. A turn that
 * closed with no words says nothing either way.
 */
function noteClosingText(goal: Goal, event: TurnEndEvent): void {
  const text = event.text.trim();
  if (text === "") return;
  goal.lastNote = text.length > maxNoteChars ? `${text.slice(0, maxNoteChars - 1)}…` : text;
  const said = `${normalizeNote(text)} | ${event.toolCalls.join(" ")}`;
  goal.repeatedNote =
    goal.repeatedNote?.note === said
      ? { note: said, count: goal.repeatedNote.count + 1 }
      : { note: said, count: 1 };
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
