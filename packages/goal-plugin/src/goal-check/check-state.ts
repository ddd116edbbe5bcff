// What a goal keeps of its check: stored with the goal, so a restart knows it.

/** One run of a goal's check. */
export interface CheckRun {
  at: number;
  passed: boolean;
  /** Null when it was killed (its time limit) or could not start. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** SECURITY: the command's output, its last 8 KB with control characters escaped; untrusted data. */
  output: string;
}

/** The person's check: a command that must pass (exit 0) before the model's "done" is accepted. */
export interface GoalCheck {
  /** SECURITY: the person's command line; set only by the person, never read from model output. */
  command: string;
  /** Run by the system shell (the person wrote shell syntax); otherwise split into words and run directly. */
  shell: boolean;
  timeoutMs: number;
  runs: number;
  failures: number;
  /** A run in progress since the model reported done: the goal is done only if it passes. */
  running?: { id: string; startedAt: number; note: string };
  last?: CheckRun;
}

/** How long a check may run unless the person says otherwise. */
export const defaultCheckTimeoutMs = 10 * 60 * 1_000;
