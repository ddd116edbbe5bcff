import { readStoredGoal, renderGoalStatus } from "@goal-lease/goal-plugin";
import type { Host } from "@goal-lease/sdk";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { claudeCode, codex } from "./agent-dialect.js";
import type { AgentBridge } from "./bridge/agent-bridge.js";

const idPattern = /^[A-Za-z0-9-]{1,100}$/;

const viewTool = {
  name: "goal_view",
  description: "Read this session's goal: objective, status, continuations, tokens and time used, last note.",
  inputSchema: { type: "object", properties: {}, additionalProperties: false },
};

/**
 * The session a tool call belongs to, from what the agent says about the call, never from its arguments:
 * Claude Code's tool-use id as its PreToolUse hook reported it, else Codex's thread id, else the Claude
 * Code session this server was started for.
 */
export function sessionOfCall(
  bridge: AgentBridge,
  meta: Record<string, unknown> | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const toolUseId = meta?.["claudecode/toolUseId"];
  const fromHook = typeof toolUseId === "string" ? bridge.sessionOfToolUse(toolUseId) : undefined;
  if (fromHook) return fromHook;
  const threadId = meta?.threadId;
  if (typeof threadId === "string" && idPattern.test(threadId)) return codex.sessionKey(threadId);
  const claudeSession = env.CLAUDE_CODE_SESSION_ID;
  if (claudeSession && idPattern.test(claudeSession)) return claudeCode.sessionKey(claudeSession);
  throw new Error(
    "the agent did not say which session this call belongs to; run goal-lease mcp from Claude Code or Codex",
  );
}

const registered = (host: Host) => host.external.registeredTools().map((tool) => tool.name);

/**
 * The tool the agent's `mcp_tool` hooks call with the hook's event, so a hook costs no process: never listed,
 * so the model is never offered it, and refused for a call that comes from the model (it has a tool-use id).
 */
export const hookToolName = "goal_hook";

/**
 * An MCP server with the plugins' tools (`goal_status`) and `goal_view`, each run in the caller's session,
 * and, with `hooks`, the agent's hook events as calls of {@link hookToolName}.
 */
export function createMcpServer(
  host: () => Host,
  bridge: AgentBridge,
  env: NodeJS.ProcessEnv,
  hooks?: (event: unknown) => Promise<string>,
): Server {
  const server = new Server({ name: "goal-lease", version: "0.1.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      ...host()
        .external.registeredTools()
        .map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema })),
      viewTool,
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const text = (value: string, isError = false) => ({ content: [{ type: "text", text: value }], isError });
    if (request.params.name === hookToolName && hooks) {
      if (request.params._meta?.["claudecode/toolUseId"] !== undefined) {
        return text(`goal-lease: ${hookToolName} is for the agent's hooks, not the model`, true);
      }
      return text(await hooks(request.params.arguments ?? {}));
    }
    try {
      const sessionKey = sessionOfCall(bridge, request.params._meta, env);
      if (request.params.name === viewTool.name) {
        const goal = await readStoredGoal(host().store, sessionKey);
        return text(goal ? renderGoalStatus(goal, Date.now()) : `No goal in session ${sessionKey}.`);
      }
      const { name } = request.params;
      const result = await bridge.callTool(sessionKey, name, request.params.arguments ?? {});
      if (!result.isError) return text(result.content);
      // The host hides a plugin tool that does not apply now; goal_status applies while a goal is active.
      const unavailable = result.content.startsWith("Unknown tool") && registered(host()).includes(name);
      const message = unavailable
        ? `${name} is not available now: this session has no active goal`
        : result.content;
      return text(`${message} (session ${sessionKey})`, true);
    } catch (error) {
      return text(`goal-lease: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  });
  return server;
}
