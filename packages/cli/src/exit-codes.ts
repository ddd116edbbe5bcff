/** What `goal-lease run` exits with, by how the goal stopped. */
export const exitCodes = Object.freeze({
  done: 0,
  error: 1,
  blocked: 2,
  limitReached: 3,
  paused: 4,
  waitingApproval: 5,
  /** A change sent to another process that it did not apply (it says why). */
  notApplied: 6,
});

/** An exit code of {@link exitCodes}. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
