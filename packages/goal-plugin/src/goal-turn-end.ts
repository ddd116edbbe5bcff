import { formatUsd, type SessionContext, type StateWriteResult, type TurnEndEvent } from "@goal-lease/sdk";
import { formatCount } from "./format.js";
import { budgetHit, type GateHit, noProgressRepeats, normalizeNote, remaining } from "./gates.js";
import { countContinuation, type Goal, interruptedNote, logEvent } from "./goal.js";
import { type GoalController, leaseKeyOf } from "./goal-controller.js";
import { maxNoteChars } from "./goal-status-tool.js";
import type { GoalEntry } from "./goal-store.js";
import { goalTurnEnded } from "./goal-turns.js";
import { usageLimitGoal } from "./goal-waits.js";

/**
 * A turn ended: the goal pays for it (its own continuations, and the user's turns while it runs), counts it,
 * and the gates decide what comes next: a usage limit's wait, the person's pause, a stop, or the next
 * continuation.
 */
export async function onTurnEnd(
  controller: GoalController,
  event: TurnEndEvent,
  context: SessionContext,
): Promise<void> {
  let goalTurn = false;
  let wrappedUp = false;
  const { outcome } = event;
  // A goal turn that simply goes on asks for the next one with the write of its accounts, conditional on it
  // (one round trip); any other end is decided below, once the write is in.
  const goOn = (next: Goal, written: Promise<StateWriteResult>) =>
    goalTurn && goesOn(controller, next, event, wrappedUp)
      ? controller.requestAfter(context, next, written, next.continuations)
      : undefined;
  const entry = await controller.store.write(
    context,
    (current) => {
      goalTurn = current !== undefined && event.leaseKey === leaseKeyOf(current);
      // A goal pays for its own continuations and for the user's turns while it runs, not for other leases' turns.
      const userTurn = event.kind === "user" && current?.status === "active";
      if (!current || !(goalTurn || userTurn)) return undefined;
      wrappedUp = goalTurn && current.wrapUp === true;
      chargeTurn(current, event, goalTurn, controller.now());
      return current;
    },
    goOn,
  );
  if (entry?.alongside?.status === "scheduled") {
    await controller.scheduled(context, entry.goal, entry.alongside.lease.dueAt);
    return;
  }
  const goal = entry?.goal;
  // A goal that has just begun to wait still answers to the gates for the turn that asked for it.
  if (!entry || (goal?.status !== "active" && goal?.status !== "waiting")) return;

  if (goalTurn && outcome.status === "error" && outcome.kind === "usage_limited") {
    const { message, retryAfterMs } = outcome;
    await usageLimitGoal(controller, context, entry, { message, retryAfterMs });
    return;
  }
  if (goalTurn && outcome.status === "error" && outcome.kind === "interrupted") {
    // The person cut the goal's turn short: that is their pause, in the log and in any pause they type next.
    await controller.stop(context, { goalId: goal.id, to: "paused", by: "user", reason: interruptedNote });
    return;
  }
  if (goalTurn && outcome.status === "error") {
    const detail = outcome.message;
    const hit = { gate: "model_error", status: "paused", detail } as const;
    await controller.stopAtGate(context, goal.id, hit, `a goal turn failed: ${detail}`);
    return;
  }
  const spent = tokenCeilingHit(goal, event, wrappedUp) ?? budgetHit(goal, controller.now());
  if (spent) {
    await controller.stopAtGate(context, goal.id, spent);
    return;
  }
  // A report made in the turn has already decided what comes next.
  if (!goalTurn || goal.lastReportTurnId === event.turnId) return;
  // Otherwise the goal goes on, within the gates: the model calls goal_status only to stop it, so a
  // continuation costs no model call just to say "continue".
  if ((goal.repeatedNote?.count ?? 0) >= noProgressRepeats) {
    const detail = `the model ended ${noProgressRepeats} goal turns in a row with the same words`;
    await controller.stopAtGate(context, goal.id, { gate: "no_progress", status: "blocked", detail });
    return;
  }
  const next = (await wrapUpIfShort(controller, context, entry, event)) ?? entry;
  await controller.schedule(context, { turnsUsed: next.goal.continuations, entry: next });
}

/**
 * Whether the goal goes on to its next continuation after its turn, with nothing else to decide first: the
 * turn completed, made no report, and no gate (a budget, a spent ceiling, the same words again, the wrap-up
 * the budget calls for) stops it or changes its next turn.
 */
function goesOn(controller: GoalController, goal: Goal, event: TurnEndEvent, wrappedUp: boolean): boolean {
  if (event.outcome.status !== "completed" || goal.status !== "active") return false;
  if (goal.lastReportTurnId === event.turnId) return false;
  if (tokenCeilingHit(goal, event, wrappedUp) ?? budgetHit(goal, controller.now())) return false;
  if ((goal.repeatedNote?.count ?? 0) >= noProgressRepeats) return false;
  return !needsWrapUp(goal, event, controller.now());
}

/**
 * Less is left of the token budget (or the dollar budget) than the turn that just ended used, and the goal
 * has not been told to wrap up yet: its next turn is to be the last.
 */
function needsWrapUp(goal: Goal, event: TurnEndEvent, now: number): boolean {
  const spent = event.usage.inputTokens + event.usage.outputTokens;
  return !goal.wrapUp && (remaining(goal, now).tokens < spent || costShort(goal, event));
}

/**
 * Charges a turn's tokens to the goal and, for one of its own turns that did work, counts it. A turn the
 * provider failed (an error, a timeout, a usage limit), or one that ended before its first model call
 * because its input did not fit in the budget, is logged and not counted as one of the user's continuations.
 */
function chargeTurn(goal: Goal, event: TurnEndEvent, goalTurn: boolean, now: number): void {
  goal.tokensUsed += event.usage.inputTokens + event.usage.outputTokens;
  const { costUsd } = event.usage;
  if (costUsd === null) goal.unpricedTurns = (goal.unpricedTurns ?? 0) + 1;
  else if (costUsd > 0 || goal.costUsd !== undefined) goal.costUsd = (goal.costUsd ?? 0) + costUsd;
  if (!goalTurn) return;
  // Only the time its own turns run counts against the goal's time budget: this one's, in full.
  goal.activeMsBefore += Math.max(0, event.usage.durationMs);
  goalTurnEnded(event.turnId);
  const { outcome } = event;
  const turn = goal.continuations + 1;
  if (outcome.status === "error" && outcome.kind === "usage_limited") {
    const { message, retryAfterMs } = outcome;
    logEvent(goal, { at: now, type: "usage-limited", turn, message, retryAfterMs });
  } else if (failedAtProvider(event) || (atCeiling(event) && event.usage.modelCalls === 0)) {
    const message = "message" in outcome ? outcome.message : "";
    logEvent(goal, { at: now, type: "continuation-failed", turn, message });
  } else {
    recordContinuation(goal, event, now);
    delete goal.usageLimitedTurns;
    if (goal.lastReportTurnId !== event.turnId) noteClosingText(goal, event);
  }
}

/** The turn ended at its token or dollar ceiling. */
function atCeiling(event: TurnEndEvent): boolean {
  return event.outcome.status === "token_limit" || event.outcome.status === "cost_limit";
}

/**
 * The token or dollar budget, spent for this goal: its turn stopped at the ceiling (or was not started), or
 * it was the budget's wrap-up turn (the dollars' when they were what ran short).
 */
function tokenCeilingHit(goal: Goal, event: TurnEndEvent, wrappedUp: boolean): GateHit | undefined {
  const { outcome } = event;
  let why: string | undefined;
  if (outcome.status === "token_limit" || outcome.status === "cost_limit") why = outcome.message;
  else if (wrappedUp) why = "the wrap-up turn has ended";
  if (why === undefined) return undefined;
  const dollars =
    outcome.status === "cost_limit" ||
    (outcome.status !== "token_limit" && wrappedUp && costShort(goal, event));
  if (dollars) {
    const spent = `${formatUsd(goal.costUsd ?? 0)} of ${formatUsd(goal.limits.budgetUsd ?? 0)} spent`;
    return { gate: "cost_budget", status: "budget_limited", detail: `${spent}; ${lowerFirst(why)}` };
  }
  const used = `${formatCount(goal.tokensUsed)} of ${formatCount(goal.limits.tokenBudget)} tokens used`;
  return { gate: "token_budget", status: "budget_limited", detail: `${used}; ${lowerFirst(why)}` };
}

/** Less is left of the dollar budget than the turn that just ended cost. */
function costShort(goal: Goal, event: TurnEndEvent): boolean {
  const left = goal.limits.budgetUsd === undefined ? undefined : goal.limits.budgetUsd - (goal.costUsd ?? 0);
  return left !== undefined && left < (event.usage.costUsd ?? 0);
}

/**
 * When less is left of the token budget (or the dollar budget) than the turn that just ended used, the next
 * turn is the last: the model is told to wrap up, and the goal stops after it. The write returns the entry
 * to schedule from.
 */
async function wrapUpIfShort(
  controller: GoalController,
  context: SessionContext,
  entry: GoalEntry,
  event: TurnEndEvent,
): Promise<GoalEntry | undefined> {
  if (!needsWrapUp(entry.goal, event, controller.now())) return undefined;
  const left = remaining(entry.goal, controller.now()).tokens;
  const dollars = costShort(entry.goal, event);
  const id = entry.goal.id;
  return controller.store.write(context, (current) => {
    if (current?.id !== id || current.status !== "active") return undefined;
    current.wrapUp = true;
    const usdLeft = remaining(current, controller.now()).costUsd;
    logEvent(current, {
      at: controller.now(),
      type: "wrap-up",
      tokensLeft: left,
      ...(dollars && usdLeft !== undefined ? { usdLeft } : {}),
    });
    return current;
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
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
  const { inputTokens, outputTokens, durationMs, costUsd, model } = event.usage;
  logEvent(goal, {
    at: now,
    type: "continuation-ended",
    turn: goal.continuations,
    inputTokens,
    outputTokens,
    durationMs,
    costUsd,
    ...(model === undefined ? {} : { model }),
  });
}

function failedAtProvider(event: TurnEndEvent): boolean {
  return (
    event.outcome.status === "error" &&
    (event.outcome.kind === "model_error" ||
      event.outcome.kind === "model_timeout" ||
      event.outcome.kind === "usage_limited")
  );
}
