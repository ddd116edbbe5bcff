/** The sessions of the current round, which the host processes open and start goals in. */
export interface Plan {
  round: number;
  sessions: string[];
}

/** Every crash goal's limits: a cap the harness checks, a budget no goal reaches. */
export const crashLimits = { maxTurns: 6, tokenBudget: 10_000_000 };

/**
 * Short claims, so a killed host's sessions move to the others within seconds; the harness sets a longer
 * one when it restarts the database, so an outage shorter than a claim moves no session.
 */
export const ownershipTtlMs = Number(process.env.CRASH_OWNERSHIP_TTL_MS) || 2_000;

export const sessionsOf = (round: number, count: number) =>
  Array.from({ length: count }, (_, index) => `r${round}-goal-${index}`);
