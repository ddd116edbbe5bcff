import type { LeaseRecord, TranscriptEntry } from "../../store/store.js";

// Records the cases write, with what a case changes.

/** A pending lease of the goal plugin in session s1, with `overrides`. */
export const lease = (overrides: Partial<LeaseRecord> = {}): LeaseRecord => ({
  id: "lease-1",
  pluginId: "goal",
  sessionKey: "s1",
  leaseKey: "goal",
  message: "continue",
  createdAt: 1,
  dueAt: 2,
  generation: 1,
  ...overrides,
});

/** A user message of turn `turnId`. */
export const entry = (turnId: string, content: string, generation = 1): TranscriptEntry => ({
  generation,
  turnId,
  at: 5,
  message: { role: "user", origin: "user", content },
});

/** A command for session `sessionKey`'s owner, posted at `postedAt`. */
export const command = (sessionKey: string, postedAt: number, verb = "pause") => ({
  sessionKey,
  pluginId: "goal",
  verb,
  input: {},
  sender: { id: "cli", isOwner: true },
  postedAt,
});
