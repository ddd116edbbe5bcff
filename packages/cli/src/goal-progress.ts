import {
  elapsedMs,
  formatCount,
  formatDuration,
  type Goal,
  hasWakeTime,
  readStoredGoal,
  spendText,
} from "@goal-lease/goal-plugin";
import { formatUsd, type Host, type HostStore } from "@goal-lease/sdk";

/** One thing worth telling a person or a script while a goal runs. */
export type ProgressEvent =
  | { type: "continuation-start"; sessionKey: string; turn: number; cap: number }
  | {
      type: "turn-end";
      sessionKey: string;
      kind: "user" | "continuation";
      text: string;
      tokens: number;
      error?: string;
      goal?: ProgressGoal;
    }
  | { type: "goal-stopped"; sessionKey: string; goal: ProgressGoal }
  /** A command another process posted, applied here; `queued` if it waited for a process to serve the session. */
  | {
      type: "command-forwarded";
      sessionKey: string;
      /** The change, as the person would have typed it after the command's name. */
      change: string;
      reply: string;
      applied: boolean;
      queued: boolean;
    };

/**
 * The parts of a goal a progress line, or a `--json` line, shows. The HTTP API's `GoalSummary`
 * (serve/goal-summary.ts) is another output format: a record the dashboard keeps by version.
 */
export interface ProgressGoal {
  objective: string;
  status: Goal["status"];
  continuations: number;
  maxTurns: number;
  tokensUsed: number;
  tokenBudget: number;
  /** The spend as a person reads it: `$0.42`, or `unknown (…)` for turns on a model with no price. */
  spend: string;
  /** The goal's dollar ceiling, if it has one. */
  budgetUsd?: number;
  lastNote: string | null;
  stopReason?: string;
  /** For a goal that waits (for what the model asked, or a usage limit's retry): how long until it goes on. */
  wakeInMs?: number;
}

/** Summarizes a stored goal, with the reason its last status change gave. */
export function summarize(goal: Goal, now = Date.now()): ProgressGoal {
  return {
    ...(hasWakeTime(goal) ? { wakeInMs: Math.max(0, goal.wakeAt - now) } : {}),
    objective: goal.objective,
    status: goal.status,
    continuations: goal.continuations,
    maxTurns: goal.limits.maxTurns,
    tokensUsed: goal.tokensUsed,
    tokenBudget: goal.limits.tokenBudget,
    spend: spendText(goal),
    ...(goal.limits.budgetUsd === undefined ? {} : { budgetUsd: goal.limits.budgetUsd }),
    lastNote: goal.lastNote,
    stopReason: goal.statusReason,
  };
}

/** `3/10 continuations · 1,234/500,000 tokens · 12s/1h 00m`, and `· $0.12/$5.00` with a dollar budget. */
export function statusLine(goal: Goal, now: number): string {
  const elapsed = elapsedMs(goal, now);
  const budget = goal.limits.budgetUsd;
  const dollars = budget === undefined ? "" : ` · ${spendText(goal)}/${formatUsd(budget)}`;
  return `${goal.continuations}/${goal.limits.maxTurns} continuations · ${formatCount(goal.tokensUsed)}/${formatCount(goal.limits.tokenBudget)} tokens${dollars} · ${formatDuration(elapsed)}/${formatDuration(goal.limits.timeBudgetMs)}`;
}

/** Reports each continuation turn of the session's goal as it starts; returns the unsubscribe function. */
export function reportContinuationStarts(
  host: Host,
  store: HostStore,
  sessionKey: string,
  report: (event: ProgressEvent) => void,
): () => void {
  return host.on("turn-start", (event) => {
    if (event.sessionKey !== sessionKey || event.kind !== "continuation") return;
    void readStoredGoal(store, sessionKey).then((goal) => {
      if (goal)
        report({
          type: "continuation-start",
          sessionKey,
          turn: goal.continuations + 1,
          cap: goal.limits.maxTurns,
        });
    });
  });
}

/**
 * Follows one session's goal through host events and calls `report` for each step. Resolves with the
 * goal once it has stopped (a goal with a wake time, waiting or retrying a usage limit, has not: it runs on
 * then); `stop()` ends the watch early. `replacing` is the id of a goal a start is about to replace: until
 * it is, that goal's end is not the followed goal's.
 */
export function watchGoal(
  host: Host,
  store: HostStore,
  sessionKey: string,
  report: (event: ProgressEvent) => void,
  options: { replacing?: string } = {},
): { stopped: Promise<Goal | undefined>; stop(): void } {
  let finish: (goal: Goal | undefined) => void = () => {};
  const stopped = new Promise<Goal | undefined>((resolve) => {
    finish = resolve;
  });
  let done = false;
  const check = async () => {
    await host.idle();
    const goal = await readStoredGoal(store, sessionKey);
    if (done || !goal || goal.id === options.replacing || goal.status === "active" || hasWakeTime(goal))
      return;
    done = true;
    cleanup();
    report({ type: "goal-stopped", sessionKey, goal: summarize(goal) });
    finish(goal);
  };
  // A look that fails (the store went away, or was closed as the command ended) is tried again at the next.
  const look = () => void check().catch(() => undefined);
  const removers = [
    reportContinuationStarts(host, store, sessionKey, report),
    host.on("turn-end", (event) => {
      if (event.sessionKey !== sessionKey) return;
      void readStoredGoal(store, sessionKey).then((goal) => {
        report({
          type: "turn-end",
          sessionKey,
          kind: event.kind,
          text: event.text,
          tokens: event.usage.inputTokens + event.usage.outputTokens,
          error: event.outcome.status === "error" ? event.outcome.message : undefined,
          goal: goal && summarize(goal),
        });
        look();
      }, look);
    }),
  ];
  // A goal can also stop without a turn (a command, a refused lease); look again now and then.
  const timer = setInterval(look, 250);
  const cleanup = () => {
    clearInterval(timer);
    for (const remove of removers) remove();
  };
  look();
  return {
    stopped,
    stop() {
      done = true;
      cleanup();
      finish(undefined);
    },
  };
}
