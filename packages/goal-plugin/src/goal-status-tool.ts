import { defineTool, type SessionContext, type StateWriteResult, type ToolDefinition } from "@goal-lease/sdk";
import { z } from "zod";
import { budgetHit, capHit, noProgressRepeats, normalizeNote } from "./gates.js";
import { defaultMaxWaitMs, type Goal } from "./goal.js";
import type { GoalChecks } from "./goal-check/goal-checks.js";
import type { GoalController } from "./goal-controller.js";
import { leaseKeyOf } from "./goal-controller.js";
import { waitGoal } from "./goal-waits.js";

/** Longest note the model may send. */
export const maxNoteChars = 500;

/** The longest wait the model may name; the goal's own maximum (set by the user) bounds it further. */
const maxWaitSeconds = 7 * 86_400;

const input = z
  .object({
    status: z.enum(["continue", "waiting", "done", "blocked", "waiting_approval"]),
    note: z.string().trim().min(1).max(maxNoteChars),
    wait_seconds: z.number().int().min(1).max(maxWaitSeconds).optional(),
  })
  .refine((report) => (report.status === "waiting") === (report.wait_seconds !== undefined), {
    message: 'wait_seconds goes with status "waiting", and only with it',
  });

/**
 * The model's only lever: report progress and ask to continue, or stop. It acts on the goal of the session
 * its context names and cannot reopen a goal that is not active.
 */
export function goalStatusTool(controller: GoalController, checks: GoalChecks): ToolDefinition<typeof input> {
  return defineTool({
    name: "goal_status",
    description:
      'Stop the active goal: "done" when its objective is met, "blocked" if you cannot proceed, "waiting_approval" if you need the user. "waiting" with wait_seconds: nothing to do until then (CI, a deploy, a time); no turn runs meanwhile, then one continuation, or sooner if the user wakes it; note says what you wait for. A turn that ends without this call continues the goal; "continue" does so too, with a note. note: what you did, in one or two sentences.',
    input,
    endsTurn: true,
    isAvailable: async (context) => {
      const goal = await controller.store.read(context);
      return goal !== undefined && goal.status !== "cleared";
    },
    execute: (report, context) => reportStatus(controller, checks, report, context),
  });
}

async function reportStatus(
  controller: GoalController,
  checks: GoalChecks,
  report: z.output<typeof input>,
  context: SessionContext,
): Promise<object> {
  const goal = await controller.store.read(context);
  if (!goal) return { accepted: false, message: "There is no goal in this session." };
  if (goal.status !== "active") {
    return {
      accepted: false,
      status: goal.status,
      message: `The goal is ${goal.status}; only the user can resume it. Stop working on it.`,
    };
  }
  const turnLeaseKey = context.turn?.leaseKey;
  if (turnLeaseKey !== undefined && turnLeaseKey !== leaseKeyOf(goal)) {
    return {
      accepted: false,
      message: "This turn continued a goal that has since been replaced; stop working on it.",
    };
  }
  const turnsUsed = goal.continuations + (turnLeaseKey === undefined ? 0 : 1);
  const normalized = normalizeNote(report.note);
  // Going on asks for the next turn with the report's write, conditional on it (one round trip), unless the
  // report itself stops the goal; whatever that leaves undecided is decided below once the write is in.
  const continueAfter =
    report.status === "continue"
      ? (next: Goal, written: Promise<StateWriteResult>) =>
          (next.repeatedNote?.count ?? 0) >= noProgressRepeats
            ? undefined
            : controller.requestAfter(context, next, written, turnsUsed)
      : undefined;
  const recorded = await controller.store.write(
    context,
    (current) => {
      if (current?.status !== "active") return undefined;
      current.lastNote = report.note;
      current.lastReportTurnId = context.turn?.id ?? null;
      if (report.status === "continue") {
        current.repeatedNote =
          current.repeatedNote?.note === normalized
            ? { note: normalized, count: current.repeatedNote.count + 1 }
            : { note: normalized, count: 1 };
      }
      current.updatedAt = controller.now();
      return current;
    },
    continueAfter,
  );
  if (recorded?.goal.status !== "active")
    return { accepted: false, message: "The goal changed meanwhile; stop working on it." };

  // The person's check decides whether "done" stands: it runs now, and the model hears of it only if it fails.
  if (report.status === "done" && recorded.goal.check) {
    if (recorded.goal.check.running || (await checks.begin(context, recorded, report.note))) {
      return {
        accepted: true,
        status: "checking",
        message:
          "The person's check runs now: the goal is done only if it passes; if it fails, the next turn says what it printed. End your turn.",
      };
    }
    return { accepted: false, message: "The goal changed meanwhile; stop working on it." };
  }
  if (report.status !== "continue" && report.status !== "waiting") {
    await controller.stop(context, { goalId: goal.id, to: report.status, by: "model", reason: report.note });
    return { accepted: true, status: report.status };
  }
  // Going on, now or after a wait, passes the gates first; only "continue" repeats itself.
  const noProgress =
    report.status === "continue" && (recorded.goal.repeatedNote?.count ?? 0) >= noProgressRepeats;
  const hit = noProgress
    ? {
        gate: "no_progress" as const,
        status: "blocked" as const,
        detail: `the same note came ${noProgressRepeats} times in a row`,
      }
    : (capHit(recorded.goal, turnsUsed) ?? budgetHit(recorded.goal, controller.now()));
  if (hit) {
    await controller.stopAtGate(context, goal.id, hit);
    return {
      accepted: true,
      status: hit.status,
      message: `The goal stopped: ${hit.detail}. Wait for the user.`,
    };
  }
  if (report.status === "waiting") {
    const waitMs = Math.min(
      (report.wait_seconds ?? 0) * 1_000,
      recorded.goal.limits.maxWaitMs ?? defaultMaxWaitMs,
    );
    const waiting = await waitGoal(controller, context, recorded, { waitMs, note: report.note, turnsUsed });
    if (waiting?.status !== "waiting" || waiting.wakeAt === undefined) {
      return {
        accepted: true,
        status: waiting?.status,
        message: "The wait could not be scheduled; wait for the user.",
      };
    }
    return { accepted: true, status: "waiting", waitSeconds: Math.round(waitMs / 1_000) };
  }
  if (recorded.alongside?.status === "scheduled") {
    await controller.scheduled(context, recorded.goal, recorded.alongside.lease.dueAt);
    return { accepted: true, status: "active", remaining: controller.remainingFor(recorded.goal, turnsUsed) };
  }
  // Conditional on the goal as just written: a stop that lands first makes this request fail, not win.
  const scheduled = await controller.schedule(context, { turnsUsed, entry: recorded });
  if (scheduled?.status !== "active") {
    return {
      accepted: true,
      status: scheduled?.status,
      message: "The next turn could not be scheduled; wait for the user.",
    };
  }
  return { accepted: true, status: "active", remaining: controller.remainingFor(scheduled, turnsUsed) };
}
