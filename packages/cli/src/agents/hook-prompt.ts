// Kept apart from the relay so the hook process loads no schema library.

/** What the user types for a goal command in each agent; group 1 is the subcommand and its arguments. */
export const goalCommands = {
  // Claude Code names a plugin's command after the plugin: /goal-lease:goal.
  claude: /^\s*\/goal-lease:goal(?:\s+([\s\S]*))?$/,
  // Codex's terminal rejects unknown slash commands, so its users type the plugin's skill, $goal-lease;
  // `codex exec` passes a prompt through untouched, so /goal-lease works there too.
  codex: /^\s*[$/]goal-lease(?:\s+([\s\S]*))?$/,
} as const;

export type AgentName = keyof typeof goalCommands;

/** A prompt the agent must not send on: our command, answered with `reason`. */
export function blockPrompt(reason: string): string {
  return JSON.stringify({ decision: "block", reason });
}

/** Whether a raw hook event is the user typing our command (which must never silently reach the model). */
export function isGoalCommand(event: unknown, agent: AgentName): boolean {
  const prompt = (event as { prompt?: unknown } | null)?.prompt;
  return typeof prompt === "string" && goalCommands[agent].test(prompt);
}
