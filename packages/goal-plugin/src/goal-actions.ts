import { randomUUID } from "node:crypto";
import { formatUsd, type SessionContext } from "@goal-lease/sdk";
import { formatCount, formatDuration, plural, quote } from "./format.js";
import {
  type Goal,
  type GoalLimits,
  type GoalTraceRoot,
  hasWakeTime,
  interruptedNote,
  logEvent,
  resumableStatuses,
  setStatus,
} from "./goal.js";
import { applyCheck, type CheckChange } from "./goal-check/check-change.js";
import type { GoalChecks } from "./goal-check/goal-checks.js";
import { clearFailureOf, type GoalController } from "./goal-controller.js";
import { GoalFormatError } from "./goal-store.js";
import { wakeGoal } from "./goal-waits.js";
import { newGoal } from "./new-goal.js";
import type { GoalLimitChanges } from "./parse-args.js";
import { raisedLimits, resumeBlocker } from "./resume-limits.js";
import { eventsText } from "./status-text.js";

/** What a change did: the reply to the person, and whether the goal is now as the change asked. */
export interface GoalReply {
  applied: boolean;
  reply: string;
}

const applied = (reply: string): GoalReply => ({ applied: true, reply });
const refused = (reply: string): GoalReply => ({ applied: false, reply });

/** What each `/goal` subcommand does to the session's goal; every method returns the reply. */
export class GoalActions {
  readonly #controller: GoalController;
  readonly #checks: GoalChecks;
  readonly #defaults: GoalLimits;
  readonly #name: string;
  readonly #wakes: (context: SessionContext) => boolean;

  constructor(
    controller: GoalController,
    checks: GoalChecks,
    defaults: GoalLimits,
    commandName: string,
    wakesIdleSession: (context: SessionContext) => boolean = () => true,
  ) {
    this.#controller = controller;
    this.#checks = checks;
    this.#defaults = defaults;
    this.#name = commandName;
    this.#wakes = wakesIdleSession;
  }

  async status(context: SessionContext, render: (goal: Goal, now: number) => string): Promise<string> {
    const goal = await this.#controller.store.read(context);
    return goal
      ? render(goal, this.#controller.now())
      : `No goal in this session. Start one with /${this.#name} start <objective>.`;
  }

  /** The last `count` events of the session's goal, read from its log only now. */
  async events(context: SessionContext, count: number): Promise<string> {
    const { store } = this.#controller;
    const goal = await store.read(context);
    if (!goal) return `No goal in this session. Start one with /${this.#name} start <objective>.`;
    return eventsText(goal, await store.events(context, goal), count);
  }

  async start(
    context: SessionContext,
    objective: string,
    flags: GoalLimitChanges,
    check?: CheckChange,
    notify?: string,
  ): Promise<GoalReply> {
    const { store } = this.#controller;
    let blocking: Goal | undefined;
    const id = randomUUID();
    let root: GoalTraceRoot | undefined;
    const created = await store.update(context, (current) => {
      if (current && current.status !== "done" && current.status !== "cleared") {
        blocking = current;
        return undefined;
      }
      const goal = newGoal(objective, { ...this.#defaults, ...flags }, this.#controller.now(), id);
      // Once, however often a conflicting write makes the change run again.
      root ??= this.#controller.traces.begin(context.sessionKey, goal);
      if (root) goal.trace = root;
      if (check) goal.check = applyCheck(undefined, check);
      if (notify !== undefined) goal.notify = notify;
      return goal;
    });
    if (blocking || !created) {
      return refused(
        `A goal is already ${blocking?.status ?? "set"}: ${quote(blocking?.objective ?? "", 80)}. Use /${this.#name} clear to drop it first, or /${this.#name} edit <objective> to change it.`,
      );
    }
    const goal = await this.#controller.schedule(context, { turnsUsed: 0 });
    const limits = describeLimits(created.limits);
    if (goal?.status !== "active") {
      return refused(
        `Goal saved, but the first continuation could not be scheduled, so it waits for you: /${this.#name} resume to try again.`,
      );
    }
    return applied(
      `Goal started: ${quote(objective, 200)}. Limits: ${limits}. Working on it; /${this.#name} pause stops it.`,
    );
  }

  async pause(context: SessionContext, note: string): Promise<GoalReply> {
    this.#checks.cancel(context.sessionKey);
    const goal = await this.#controller.store.read(context);
    // The person cut a goal turn short (Esc, an abort) and that paused the goal: the pause they type now is it.
    if (goal?.status === "paused" && goal.statusGate === undefined && goal.statusReason === interruptedNote)
      return applied(`Goal paused. /${this.#name} resume continues it.`);
    if (goal?.status !== "active" && !hasWakeTime(goal)) return refused(this.#notIn(goal, "active", "pause"));
    const stopped = await this.#controller.stop(context, {
      goalId: goal.id,
      to: "paused",
      by: "user",
      reason: note || "paused by the user",
    });
    return applied(`Goal paused. /${this.#name} resume continues it.${clearWarning(stopped)}`);
  }

  async resume(
    context: SessionContext,
    note: string,
    flags: GoalLimitChanges,
    check?: CheckChange,
    notify?: string,
  ): Promise<GoalReply> {
    const { store } = this.#controller;
    const current = await store.read(context);
    if (current?.status === "active" && (check !== undefined || notify !== undefined)) {
      // Resume changes a stopped goal; a running one takes a new check from edit, and keeps its notify.
      return refused(
        `The goal is active, so there is nothing to resume; /${this.#name} edit <objective> --check COMMAND changes its check.`,
      );
    }
    if (current?.status === "active" && Object.keys(flags).length === 0) {
      // An active goal with nothing pending lost its continuation to a crash; resuming re-arms it, through
      // the gates like any other request.
      if (await this.#controller.hasPendingLease(context, current))
        return refused("The goal is already active; a continuation is pending.");
      const goal = await this.#controller.schedule(context, {
        turnsUsed: current.continuations,
      });
      if (goal?.status === "active")
        return applied("Goal was active with nothing scheduled; the next continuation is scheduled.");
      return refused(`The goal is ${goal?.status ?? "gone"}, not resumed: ${lastReason(goal)}`);
    }
    let refusal: string | undefined;
    const resumed = await store.write(context, (goal) => {
      refusal = undefined;
      if (!goal || !resumableStatuses.has(goal.status)) {
        refusal = this.#notIn(goal, "paused, blocked, waiting or limited", "resume");
        return undefined;
      }
      const now = this.#controller.now();
      const raised = raisedLimits(goal, flags, now);
      goal.limits = raised;
      // More dollars granted count from here on: turns whose cost was unknown are behind them.
      if (flags.budgetUsd !== undefined) delete goal.unpricedTurns;
      refusal = resumeBlocker(goal, flags, now);
      if (refusal) return undefined;
      if (Object.keys(flags).length > 0) logEvent(goal, { at: now, type: "limits-raised", ...raised });
      goal.repeatedNote = null;
      delete goal.wrapUp;
      // A check the stop cut short does not decide the resumed goal; a new one given replaces the old.
      delete goal.check?.running;
      if (check) goal.check = applyCheck(goal.check, check);
      if (notify !== undefined) goal.notify = notify;
      delete goal.usageLimitedTurns;
      setStatus(goal, "active", "user", note || "resumed by the user", now);
      return goal;
    });
    if (refusal || resumed?.goal.status !== "active") return refused(refusal ?? "Nothing to resume.");
    const goal = await this.#controller.schedule(context, {
      turnsUsed: resumed.goal.continuations,
      entry: resumed,
    });
    if (goal?.status !== "active")
      return refused("Goal resumed, but the next continuation could not be scheduled; it waits for you.");
    return applied(`Goal resumed. Limits: ${describeLimits(resumed.goal.limits)}.`);
  }

  /**
   * Ends a goal's wait (or a usage limit's back-off): its one continuation runs now, or, where the host
   * cannot wake the idle session, when the session's next turn ends.
   */
  async wake(context: SessionContext, note: string): Promise<GoalReply> {
    const goal = await this.#controller.store.read(context);
    if (!hasWakeTime(goal)) return refused(this.#notIn(goal, "waiting", "wake"));
    const woken = await wakeGoal(this.#controller, context, note || "woken by the user");
    if (hasWakeTime(woken) && this.#wakes(context))
      return applied("Goal woken: its next continuation runs now.");
    if (hasWakeTime(woken)) {
      return applied(
        "Goal woken: its next continuation runs when this session's next turn ends (this host cannot wake the idle session).",
      );
    }
    return refused(`The goal is ${woken?.status ?? "gone"}, not woken: ${lastReason(woken)}`);
  }

  async done(context: SessionContext, note: string): Promise<GoalReply> {
    // The person decides: a check running for the model's "done" is stopped, and does not run for this one.
    this.#checks.cancel(context.sessionKey);
    const goal = await this.#controller.store.read(context);
    if (!goal || goal.status === "done" || goal.status === "cleared")
      return refused(this.#notIn(goal, "open", "mark done"));
    const stopped = await this.#controller.stop(context, {
      goalId: goal.id,
      to: "done",
      by: "user",
      reason: note || "marked done by the user",
    });
    return applied(`Goal marked done.${clearWarning(stopped)}`);
  }

  async edit(context: SessionContext, objective: string, check?: CheckChange): Promise<GoalReply> {
    const edited = await this.#controller.store.update(context, (goal) => {
      if (!goal || goal.status === "cleared") return undefined;
      goal.objective = objective;
      if (check) goal.check = applyCheck(goal.check, check);
      goal.updatedAt = this.#controller.now();
      logEvent(goal, { at: goal.updatedAt, type: "edited", objective });
      return goal;
    });
    if (edited?.objective !== objective || edited.status === "cleared")
      return refused(this.#notIn(edited, "open", "edit"));
    // A continuation already waiting carries the old objective; replace it with one that says the new one.
    if (edited.status === "active" && (await this.#controller.hasPendingLease(context, edited))) {
      await this.#controller.schedule(context, { turnsUsed: edited.continuations });
    }
    return applied(`Objective updated: ${quote(objective, 200)}.`);
  }

  async clear(context: SessionContext): Promise<GoalReply> {
    this.#checks.cancel(context.sessionKey);
    let goal: Goal | undefined;
    try {
      goal = await this.#controller.store.read(context);
    } catch (error) {
      if (!(error instanceof GoalFormatError)) throw error;
      await this.#controller.store.discard(context);
      return applied("The stored goal could not be read, so it was deleted. Start a new one when you like.");
    }
    if (!goal || goal.status === "cleared") return refused("No goal to clear.");
    const stopped = await this.#controller.stop(context, {
      goalId: goal.id,
      to: "cleared",
      by: "user",
      reason: "cleared by the user",
    });
    return applied(`Goal cleared. /${this.#name} start <objective> sets a new one.${clearWarning(stopped)}`);
  }

  #notIn(goal: Goal | undefined, wanted: string, verb: string): string {
    if (!goal) return `No goal in this session. Start one with /${this.#name} start <objective>.`;
    return `The goal is ${goal.status}, not ${wanted}, so there is nothing to ${verb}.`;
  }
}

/** A note for a stop whose pending continuation could not be cleared (it is declined when it comes due). */
function clearWarning(goal: Goal | undefined): string {
  const failure = goal && clearFailureOf(goal);
  return failure ? ` Its pending continuation could not be cleared (${failure}); it will not run.` : "";
}

/** Why a goal last changed status. */
function lastReason(goal: Goal | undefined): string {
  return goal?.statusReason ? `${goal.statusReason}.` : "see its event log.";
}

function describeLimits(limits: GoalLimits): string {
  const dollars = limits.budgetUsd === undefined ? "" : `, ${formatUsd(limits.budgetUsd)}`;
  return `${plural(limits.maxTurns, "continuation")}, ${formatCount(limits.tokenBudget)} tokens${dollars}, ${formatDuration(limits.timeBudgetMs)}`;
}
