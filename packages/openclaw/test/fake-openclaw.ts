import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  OpenClawAgentContext,
  OpenClawCommand,
  OpenClawHookName,
  OpenClawHooks,
  OpenClawPluginApi,
  OpenClawPluginEntry,
  OpenClawTool,
  OpenClawToolContext,
} from "../src/index.js";

/**
 * Stands in for the OpenClaw gateway around one extension: it registers the entry as OpenClaw does and lets
 * a test fire commands, tool calls and run hooks the way the gateway would. The goal-lease host is real.
 */
export function fakeOpenClaw(
  entry: OpenClawPluginEntry,
  options: { stateDir?: string; config?: object } = {},
) {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "goal-lease-openclaw-unit-"));
  const commands = new Map<string, OpenClawCommand>();
  const hooks = new Map<OpenClawHookName, { handler: unknown; triggers?: readonly string[] }>();
  let toolFactory: ((context: OpenClawToolContext) => OpenClawTool[] | null) | undefined;
  const events: { text: string; sessionKey: string; contextKey?: string }[] = [];
  const heartbeats: string[] = [];
  const logs: string[] = [];
  const api: OpenClawPluginApi = {
    id: entry.id,
    pluginConfig: options.config as Record<string, unknown> | undefined,
    runtime: {
      system: {
        enqueueSystemEvent: (text, { sessionKey, contextKey }) => {
          events.push({ text, sessionKey, contextKey });
          return true;
        },
        requestHeartbeat: ({ sessionKey }) => void heartbeats.push(sessionKey),
      },
      state: { resolveStateDir: () => stateDir },
    },
    logger: {
      info: (line) => logs.push(line),
      warn: (line) => logs.push(line),
      error: (line) => logs.push(line),
    },
    registerCommand: (command) => void commands.set(command.name, command),
    registerTool: (factory) => {
      toolFactory = factory;
    },
    on: (name, handler, hookOptions) =>
      void hooks.set(name, { handler, triggers: hookOptions?.eligibleTriggers }),
  };
  entry.register(api);

  const hook = <Name extends OpenClawHookName>(name: Name) => {
    const registered = hooks.get(name);
    if (!registered) throw new Error(`the entry registered no ${name} hook`);
    return registered.handler as OpenClawHooks[Name];
  };
  return {
    stateDir,
    commands,
    events,
    heartbeats,
    logs,
    hookTriggers: (name: OpenClawHookName) => hooks.get(name)?.triggers,
    /** A chat command as an authorized sender types it. */
    command: async (sessionKey: string, name: string, args: string) => {
      const command = commands.get(name);
      if (!command) throw new Error(`no command /${name}`);
      return (await command.handler({ sessionKey, agentId: "main", isAuthorizedSender: true, args })).text;
    },
    tools: (sessionKey: string) => toolFactory?.({ sessionKey, agentId: "main" }) ?? null,
    /** The hooks of one agent run, in the order the gateway fires them: reply gate, prompt, end, usage. */
    run: (sessionKey: string, runId: string, trigger: "user" | "heartbeat") => {
      const context: OpenClawAgentContext = { sessionKey, runId, trigger, agentId: "main" };
      return {
        gate: async () =>
          trigger === "heartbeat" ? hook("before_agent_reply")({ cleanedBody: "" }, context) : undefined,
        prompt: (text = "hello") =>
          hook("before_prompt_build")({ prompt: text, currentUserMessage: text }, context),
        end: (success = true) => hook("agent_end")({ runId, success }, context),
        usage: (input: number, output: number, texts: string[] = []) =>
          hook("llm_output")({ runId, assistantTexts: texts, usage: { input, output } }, context),
      };
    },
    /** The user starts a new session behind the same key (/new, /reset). */
    reset: (sessionKey: string) => hook("before_reset")({}, { sessionKey, agentId: "main" }),
    start: () => hook("gateway_start")({}, {}),
    stop: () => hook("gateway_stop")({}, {}),
  };
}
