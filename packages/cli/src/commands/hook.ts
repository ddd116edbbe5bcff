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

/** The longest a waker waits; its hook's own timeout (hooks.json) ends it first. */
const wakerMs = 25 * 60 * 60 * 1_000;

/**
 * `goal-lease hook [codex] [wake]`: Claude Code (or Codex) runs it for each hook event. It hands the event to
 * the goal-lease server of the same agent process (`goal-lease mcp`, started by the plugin) and prints that
 * server's decision. Without a server it decides nothing, so the agent stops as it would anyway.
 *
 * `wake` is Claude Code's background (`asyncRewake`) Stop hook: it waits, as long as the session's goal
 * waits, for the continuation that ends the wait, and exits 2 with it, which wakes the idle session with it
 * as the next message; it exits 0 at once when nothing will come. Resolves with the exit code.
 */
export async function runHook(
  io: Pick<CliIo, "stdin" | "stdout" | "stderr" | "env">,
  agent: AgentName = "claude",
  role?: "wake",
): Promise<number> {
  const input = await text(io.stdin);
  let event: unknown;
  try {
    event = JSON.parse(input);
  } catch {
    return 0;
  }
  const socket = agentSocket(agent, io.env);
  if (role === "wake") {
    if (!socket || !event || typeof event !== "object") return 0;
    const waited = await relayHookEvent(
      socket,
      JSON.stringify({ ...event, goal_lease_role: "wake" }),
      wakerMs,
    );
    const wake = parseWake(waited);
    if (wake === undefined) return 0;
    io.stderr.write(wake);
    return 2;
  }
  const output = socket ? await relayHookEvent(socket, JSON.stringify(event), 30_000) : undefined;
  if (output !== undefined) {
    io.stdout.write(output);
    return 0;
  }
  if (isGoalCommand(event, agent)) io.stdout.write(blockPrompt(serverNotRunning[agent]));
  return 0;
}

/** The continuation a waker was answered with, if any. */
function parseWake(output: string | undefined): string | undefined {
  if (!output) return undefined;
  try {
    const { wake } = JSON.parse(output) as { wake?: unknown };
    return typeof wake === "string" && wake !== "" ? wake : undefined;
  } catch {
    return undefined;
  }
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
