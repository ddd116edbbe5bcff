// Kept apart from the relay so the hook process loads no schema library.
const goalCommand = /^\s*\/goal-lease:goal\b/;

/** A prompt Claude Code must not send on: our command, answered with `reason`. */
export function blockPrompt(reason: string): string {
  return JSON.stringify({ decision: "block", reason });
}

/** Whether a raw hook event is the user typing our command (which must never silently reach the model). */
export function isGoalCommand(event: unknown): boolean {
  const prompt = (event as { prompt?: unknown } | null)?.prompt;
  return typeof prompt === "string" && goalCommand.test(prompt);
}
