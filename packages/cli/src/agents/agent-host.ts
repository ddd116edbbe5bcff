import { createGoalPlugin } from "@goal-lease/goal-plugin";
import { createHost, type Host, type HostStore } from "@goal-lease/sdk";
import { AgentBridge } from "./agent-bridge.js";
import type { AgentDialect } from "./agent-dialect.js";

/** A goal's continuation cap unless its start says otherwise; neither Claude Code nor Codex limits the loop. */
export const agentDefaultMaxTurns = 8;

/**
 * The goal-lease host for one coding-agent process: the goal plugin, turns reported by the agent, and
 * per-session recovery because the agent's other processes share the store.
 */
export async function startAgentHost(
  store: HostStore,
  agent?: AgentDialect,
): Promise<{ host: Host; bridge: AgentBridge }> {
  let started: Host | undefined;
  const bridge = new AgentBridge(() => {
    if (!started) throw new Error("the goal-lease host is still starting");
    return started;
  }, agent);
  started = await createHost({
    store,
    plugins: [createGoalPlugin({ defaults: { maxTurns: agentDefaultMaxTurns } })],
    externalTurns: { deliverContinuation: async (delivery) => bridge.deliver(delivery) },
    recovery: "per-session",
  });
  return { host: started, bridge };
}
