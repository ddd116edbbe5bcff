import { createGoalPlugin } from "@goal-lease/goal-plugin";
import { createHost, type Host, type HostStore, type PriceTable, type SessionContext } from "@goal-lease/sdk";
import { cliNotifier } from "../cli-notifier.js";
import type { AgentDialect } from "./agent-dialect.js";
import { AgentBridge } from "./bridge/agent-bridge.js";
import type { AgentBridgeOptions } from "./bridge/bridge-options.js";

/** A goal's continuation cap unless its start says otherwise; neither Claude Code nor Codex limits the loop. */
export const agentDefaultMaxTurns = 8;

/**
 * The goal-lease host for one coding-agent process: the goal plugin, turns reported by the agent, and
 * per-session recovery because the agent's other processes share the store.
 */
export async function startAgentHost(
  store: HostStore,
  agent?: AgentDialect,
  options?: AgentBridgeOptions,
  prices?: PriceTable,
): Promise<{ host: Host; bridge: AgentBridge }> {
  let started: Host | undefined;
  const bridge = new AgentBridge(
    () => {
      if (!started) throw new Error("the goal-lease host is still starting");
      return started;
    },
    agent,
    options,
  );
  const wakesIdleSession = (context: SessionContext) => bridge.wakes(context.sessionKey);
  started = await createHost({
    store,
    // Told as the CLI's own goals are: the goal's --notify, else $GOAL_LEASE_NOTIFY, else the store's default.
    plugins: [
      createGoalPlugin({
        defaults: { maxTurns: agentDefaultMaxTurns },
        notifier: cliNotifier(store, process.env),
        wakesIdleSession,
        // The person's check runs in the agent's folder (the hook's), not wherever this server was started.
        checkFolder: (context) => bridge.folderOf(context.sessionKey) ?? process.cwd(),
      }),
    ],
    externalTurns: { deliverContinuation: async (delivery) => bridge.deliver(delivery) },
    recovery: "per-session",
    ...(prices === undefined ? {} : { prices }),
  });
  return { host: started, bridge };
}
