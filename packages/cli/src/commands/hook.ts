import { existsSync, readFileSync } from "node:fs";
import { text } from "node:stream/consumers";
import { type AgentName, blockPrompt, isGoalCommand } from "../agents/hook-prompt.js";
import { hookSocketPath, relayHookEvent } from "../agents/hook-socket.js";
import type { CliIo } from "../cli-io.js";

const serverNotRunning = {
  claude:
    "goal-lease: its server is not running in this Claude Code session; check that the goal-lease plugin's MCP server is enabled (/mcp).",
  codex:
    "goal-lease: its server is not running in this Codex session; check that the goal-lease plugin is enabled (codex plugin list) and its MCP server starts (/mcp).",
} satisfies Record<AgentName, string>;

/**
 * `goal-lease hook [codex]`: Claude Code (or Codex) runs it for each hook event. It hands the event to the
 * goal-lease server of the same agent process (`goal-lease mcp`, started by the plugin) and prints that
 * server's decision. Without a server it decides nothing, so the agent stops as it would anyway.
 */
export async function runHook(
  io: Pick<CliIo, "stdin" | "stdout" | "env">,
  agent: AgentName = "claude",
): Promise<void> {
  const input = await text(io.stdin);
  let event: unknown;
  try {
    event = JSON.parse(input);
  } catch {
    return;
  }
  const socket = agentSocket(agent, io.env);
  const output = socket ? await relayHookEvent(socket, JSON.stringify(event), 30_000) : undefined;
  if (output !== undefined) {
    io.stdout.write(output);
    return;
  }
  if (isGoalCommand(event, agent)) io.stdout.write(blockPrompt(serverNotRunning[agent]));
}

/** The socket of the agent process that started this hook, if its server listens. */
function agentSocket(agent: AgentName, env: NodeJS.ProcessEnv): string | undefined {
  if (agent === "claude") {
    const claudePid = Number(env.CLAUDE_PID);
    return Number.isInteger(claudePid) && claudePid > 0 ? hookSocketPath(agent, claudePid) : undefined;
  }
  // Codex names no process to its hooks; it runs them through `$SHELL -lc`, which may or may not exec.
  const parent = process.ppid;
  return [parent, parentOf(parent)]
    .filter((pid): pid is number => pid !== undefined && pid > 1)
    .map((pid) => hookSocketPath(agent, pid))
    .find((path) => existsSync(path));
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat is "pid (comm) state ppid ..."; comm may hold spaces and ")", so read after the last.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}
