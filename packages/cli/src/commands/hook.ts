import { text } from "node:stream/consumers";
import { blockPrompt, isGoalCommand } from "../agents/hook-prompt.js";
import { hookSocketPath, relayHookEvent } from "../agents/hook-socket.js";
import type { CliIo } from "../cli-io.js";

/**
 * `goal-lease hook`: Claude Code runs it for each hook event. It hands the event to the goal-lease server
 * of the same Claude Code process (`goal-lease mcp`, started from the plugin's .mcp.json) and prints that
 * server's decision. Without a server it decides nothing, so Claude Code stops as it would anyway.
 */
export async function runHook(io: Pick<CliIo, "stdin" | "stdout" | "env">): Promise<void> {
  const input = await text(io.stdin);
  let event: unknown;
  try {
    event = JSON.parse(input);
  } catch {
    return;
  }
  const claudePid = Number(io.env.CLAUDE_PID);
  const output =
    Number.isInteger(claudePid) && claudePid > 0
      ? await relayHookEvent(hookSocketPath(claudePid), JSON.stringify(event), 30_000)
      : undefined;
  if (output !== undefined) {
    io.stdout.write(output);
    return;
  }
  if (isGoalCommand(event)) {
    io.stdout.write(
      blockPrompt(
        "goal-lease: its server is not running in this Claude Code session; check that the goal-lease plugin's MCP server is enabled (/mcp).",
      ),
    );
  }
}
