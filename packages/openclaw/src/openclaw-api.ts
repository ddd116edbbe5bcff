import type { OpenClawRunEnd } from "./run-outcome.js";
/**
 * The part of OpenClaw's plugin API (openclaw 2026.9.x, `openclaw/plugin-sdk/plugin-entry`) this adapter
 * uses, declared here so the adapter needs no openclaw dependency: OpenClaw loads a plain entry object.
 */

/** What a command handler receives. OpenClaw does not give third-party handlers `senderIsOwner`. */
export interface OpenClawCommandContext {
  sessionKey?: string;
  agentId?: string;
  senderId?: string;
  senderIsOwner?: boolean;
  isAuthorizedSender: boolean;
  args?: string;
}

export interface OpenClawCommand {
  name: string;
  description: string;
  acceptsArgs?: boolean;
  requireAuth?: boolean;
  handler(context: OpenClawCommandContext): Promise<{ text: string }>;
}

/** The trusted context a tool factory is called with, once per agent run. */
export interface OpenClawToolContext {
  sessionKey?: string;
  agentId?: string;
  senderIsOwner?: boolean;
}

export interface OpenClawToolResult {
  content: { type: "text"; text: string }[];
  details: unknown;
}

export interface OpenClawTool {
  name: string;
  label: string;
  description: string;
  parameters: object;
  /** OpenClaw turns a throw into an error result for the model. */
  execute(toolCallId: string, params: unknown): Promise<OpenClawToolResult>;
}

/** The context of agent-run hooks. `trigger` is "user" for chat turns and "heartbeat" for wakes. */
export interface OpenClawAgentContext {
  runId?: string;
  agentId?: string;
  sessionKey?: string;
  trigger?: string;
}

export interface OpenClawHooks {
  before_prompt_build: (
    event: { prompt: string; currentUserMessage?: string },
    context: OpenClawAgentContext,
  ) => Promise<{ prependContext?: string; appendSystemContext?: string } | undefined>;
  before_agent_reply: (
    event: { cleanedBody: string },
    context: OpenClawAgentContext,
  ) => Promise<{ handled: boolean; reply?: { text: string }; reason?: string } | undefined>;
  llm_output: (
    event: OpenClawModelOutput & { runId: string },
    context: OpenClawAgentContext,
  ) => Promise<void>;
  agent_end: (event: OpenClawRunEnd & { runId?: string }, context: OpenClawAgentContext) => Promise<void>;
  before_reset: (event: unknown, context: OpenClawAgentContext) => Promise<void>;
  gateway_start: (event: unknown, context: unknown) => Promise<void>;
  gateway_stop: (event: unknown, context: unknown) => Promise<void>;
}

/** What OpenClaw reports of a run's model output (`llm_output`); another process's word, checked before use. */
export interface OpenClawModelOutput {
  provider?: unknown;
  model?: unknown;
  assistantTexts: string[];
  usage?: { input?: unknown; output?: unknown; cacheRead?: unknown; cacheWrite?: unknown };
}

export type OpenClawHookName = keyof OpenClawHooks;

export interface OpenClawLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The host singletons a plugin may call: queued system events, heartbeat wakes, the state directory. */
export interface OpenClawRuntime {
  system: {
    enqueueSystemEvent(
      text: string,
      options: { sessionKey: string; agentId?: string; contextKey?: string; replace?: boolean },
    ): boolean;
    requestHeartbeat(options: {
      source: "other";
      intent: "immediate";
      sessionKey: string;
      agentId?: string;
      reason?: string;
    }): void;
  };
  state: { resolveStateDir(): string };
}

export interface OpenClawPluginApi {
  id: string;
  pluginConfig?: Record<string, unknown>;
  runtime: OpenClawRuntime;
  logger: OpenClawLogger;
  registerCommand(command: OpenClawCommand): void;
  registerTool(
    factory: (context: OpenClawToolContext) => OpenClawTool[] | null,
    options: { names: string[] },
  ): void;
  on<Name extends OpenClawHookName>(
    name: Name,
    handler: OpenClawHooks[Name],
    options?: { eligibleTriggers?: readonly [string, ...string[]] },
  ): void;
}

/** What an OpenClaw extension module exports by default. */
export interface OpenClawPluginEntry {
  id: string;
  name: string;
  description: string;
  register(api: OpenClawPluginApi): void;
}
