import type { ModelUsage } from "@goal-lease/sdk";
import { codexUsage } from "./codex-usage.js";
import { type AgentName, goalCommands } from "./hook-prompt.js";
import { claudeQueuedPrompts } from "./queued-prompts.js";
import { claudeUsage } from "./transcript-usage.js";

/** How one coding agent names its sessions, spells our command and records its token usage. */
export interface AgentDialect {
  readonly name: AgentName;
  /** The store's session for the agent's own session (Claude Code) or thread (Codex) id. */
  sessionKey(id: string): string;
  /** The typed goal command; group 1 is what follows it. */
  readonly command: RegExp;
  /** How the user types the command, put in place of `/goal` in the goal plugin's replies. */
  readonly commandName: string;
  /** The tokens the agent's transcript records after byte `from`. */
  usage(transcriptPath: string | undefined, from: number): Promise<ModelUsage>;
  /** What a Stop hook prints to continue the turn with `message` for the model. */
  continueTurn(message: string): string;
  /** Prompts the user typed during the turn that started at byte `from`, which wait for it to end. */
  queuedPrompts(transcriptPath: string | undefined, from: number): Promise<string[]>;
}

export const claudeCode: AgentDialect = {
  name: "claude",
  sessionKey: (id) => `claude:${id}`,
  command: goalCommands.claude,
  commandName: "/goal-lease:goal",
  usage: claudeUsage,
  // Claude Code delivers a Stop hook's additionalContext to the model and goes on, shown as feedback; a
  // block would go on too, but shown as a problem.
  continueTurn: (message) =>
    JSON.stringify({ hookSpecificOutput: { hookEventName: "Stop", additionalContext: message } }),
  queuedPrompts: claudeQueuedPrompts,
};

export const codex: AgentDialect = {
  name: "codex",
  sessionKey: (id) => `codex:${id}`,
  command: goalCommands.codex,
  commandName: "$goal-lease",
  usage: codexUsage,
  continueTurn: (message) => JSON.stringify({ decision: "block", reason: message }),
  // Codex records no queue; what its user types during a turn reaches the hooks when it is sent.
  queuedPrompts: async () => [],
};
