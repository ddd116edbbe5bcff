import type { PluginDefinition } from "@goal-lease/sdk";
import { bridgeStorePath } from "./bridge.js";
import { bridgeFor, closeBridge, startedBridge } from "./bridge-registry.js";
import type { OpenClawPluginApi, OpenClawPluginEntry } from "./openclaw-api.js";
import { runOutcome } from "./run-outcome.js";

/** Options of {@link defineOpenClawEntry}. */
export interface OpenClawEntryOptions {
  id: string;
  name: string;
  description: string;
  /** The goal-lease plugins to run, built from the entry's OpenClaw plugin config. */
  plugins(config: Record<string, unknown>): readonly PluginDefinition[];
  /** The commands those plugins register; OpenClaw needs them before the plugins load. */
  commands(config: Record<string, unknown>): readonly { name: string; description: string }[];
  /** The tool names those plugins register, as listed in `contracts.tools` of openclaw.plugin.json. */
  tools: readonly string[];
}

/**
 * An OpenClaw extension that runs goal-lease plugins unchanged: their commands become OpenClaw commands,
 * their tools get the run's trusted session from OpenClaw (never from tool input), and their leases become
 * one wake of that session each, re-admitted when the woken run starts.
 */
export function defineOpenClawEntry(options: OpenClawEntryOptions): OpenClawPluginEntry {
  return {
    id: options.id,
    name: options.name,
    description: options.description,
    register(api) {
      const config = api.pluginConfig ?? {};
      const key = bridgeStorePath(api.runtime.state.resolveStateDir());
      const bridge = () => bridgeFor(key, api.runtime, () => options.plugins(config));
      const guarded = wrapFailures(api);

      for (const command of options.commands(config)) {
        api.registerCommand({
          name: command.name,
          description: command.description,
          acceptsArgs: true,
          requireAuth: true,
          handler: async (context) => ({ text: await (await bridge()).command(command.name, context) }),
        });
      }
      api.registerTool(
        (context) => {
          const started = startedBridge(key);
          if (!started) void bridge().catch(() => undefined);
          return started?.tools(context) ?? null;
        },
        { names: [...options.tools] },
      );

      api.on(
        "gateway_start",
        guarded("gateway_start", async () => void (await bridge())),
      );
      api.on(
        "gateway_stop",
        guarded("gateway_stop", () => closeBridge(key)),
      );
      api.on(
        "before_reset",
        guarded("before_reset", async (_event, context) => (await bridge()).reset(context)),
      );
      api.on(
        "before_prompt_build",
        guarded("before_prompt_build", async (event, context) => {
          const started = await bridge();
          const decision = await started.runStarting(context, event.currentUserMessage ?? event.prompt);
          return decision && context.sessionKey
            ? started.promptAdditions(decision, context.sessionKey)
            : undefined;
        }),
      );
      // The admission re-check of a woken run: a continuation cleared, replaced or made stale since its wake
      // is skipped before any model call.
      api.on(
        "before_agent_reply",
        guarded("before_agent_reply", async (_event, context) => {
          const decision = await (await bridge()).runStarting(context);
          if (decision?.kind !== "skip") return undefined;
          api.logger.info(
            `goal-lease: skipped a woken run in ${context.sessionKey}: the continuation is ${decision.reason}`,
          );
          return { handled: true, reply: { text: "NO_REPLY" }, reason: `goal-lease: ${decision.reason}` };
        }),
        { eligibleTriggers: ["heartbeat"] },
      );
      api.on(
        "llm_output",
        guarded("llm_output", async (event, context) =>
          (await bridge()).recordOutput({ ...context, runId: context.runId ?? event.runId }, event),
        ),
      );
      api.on(
        "agent_end",
        guarded("agent_end", async (event, context) => {
          const outcome = runOutcome(event, Date.now());
          await (await bridge()).runEnded({ ...context, runId: context.runId ?? event.runId }, outcome);
        }),
      );
    },
  };
}

/** Hooks must never break the gateway's run: a failure is logged and the hook does nothing. */
function wrapFailures(api: OpenClawPluginApi) {
  return <Args extends unknown[], Result>(name: string, handler: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result | undefined> => {
      try {
        return await handler(...args);
      } catch (error) {
        api.logger.warn(`goal-lease ${name}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
}
