import type { z } from "zod";
import type { JsonValue } from "./json.js";
import type { LeaseInterruptReason, SessionWorkflowApi } from "./lease.js";
import type { SessionContext, TurnKind } from "./session-context.js";
import type { StateEntry, StateWriteResult } from "./store/store.js";

/** A slash command, run as `/name args` from chat. */
export interface CommandDefinition {
  /** Lower-case letters, digits, `-` and `_`, starting with a letter; at most 32 characters. */
  name: string;
  description: string;
  /** Who may run it; `owner` unless set. */
  access?: "owner" | "anyone";
  /** Returns the reply shown to the sender. `args` is SECURITY: user text, treat as untrusted. */
  execute(args: string, context: SessionContext): string | Promise<string>;
}

/** What a control did: the reply to the person who sent it, and whether the change it asked for is in force. */
export interface ControlResult {
  applied: boolean;
  reply: string;
}

/**
 * A change that another process (a shell, a dashboard, an HTTP client) may send to the process that runs a
 * session, as data: this plugin, the control's name and an input its schema checks. It runs in the owning
 * host with a fresh context for the session, as a command would, whatever the plugin's commands are called
 * there. The sender is the one the sending process authenticated; `execute` decides what it may do.
 */
export interface ControlDefinition<Schema extends z.core.$ZodType = z.core.$ZodType> {
  /** Lower-case letters, digits, `-` and `_`, starting with a letter; at most 32 characters; one per plugin. */
  name: string;
  description: string;
  /**
   * SECURITY: the input comes from another process; it is checked against this schema (zod 4, classic or
   * mini) before `execute`.
   */
  input: Schema;
  execute(input: z.output<Schema>, context: SessionContext): ControlResult | Promise<ControlResult>;
}

/** What a tool returns: a string is sent as is, anything else as JSON. Throwing sends an error result. */
export type ToolOutput = string | number | boolean | null | object;

/** A tool the model can call. Its input schema is made strict by the host: unknown keys are an error. */
export interface ToolDefinition<Schema extends z.ZodObject = z.ZodObject> {
  /** Letters, digits, `-` and `_`, starting with a letter; at most 64 characters. */
  name: string;
  description: string;
  input: Schema;
  /**
   * A report that closes the turn: when every tool the model called in a step is one of these and none
   * failed, the results are kept in the transcript and the turn ends there, without another model call
   * just to read them. Where an agent host runs the model, its own loop decides.
   */
  endsTurn?: boolean;
  /** Whether the model sees the tool in this session; every session unless set. */
  isAvailable?(context: SessionContext): boolean | Promise<boolean>;
  /** `input` has passed the strict schema but is still SECURITY: model output, untrusted data. */
  execute(input: z.output<Schema>, context: SessionContext): ToolOutput | Promise<ToolOutput>;
}

/** Token, money and time cost of one turn. */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, those served from the provider's prompt cache, when it said. */
  cachedInputTokens?: number;
  durationMs: number;
  modelCalls: number;
  /** The model that served the turn, when the host knows it. */
  model?: string;
  /**
   * What the turn cost in US dollars at the host's prices; `null` when it used tokens of a model the price
   * table does not know: unknown, never taken as free.
   */
  costUsd: number | null;
}

/** How a turn ended. */
export type TurnOutcome =
  | { status: "completed" }
  | { status: "step_limit"; message: string }
  /** The turn's token ceiling had no room for its next model call; with `modelCalls` 0, none was made. */
  | { status: "token_limit"; message: string }
  /** The turn's dollar ceiling had no room for its next model call (or its model has no price); as `token_limit`. */
  | { status: "cost_limit"; message: string }
  | { status: "error"; kind: "model_error" | "model_timeout" | "host_error"; message: string }
  /** The person cut the turn short (an embedding host's Esc, a message written into the run): theirs. */
  | { status: "error"; kind: "interrupted"; message: string }
  /** The provider refused for a rate limit or spent quota; `retryAfterMs` when it said when to try again. */
  | { status: "error"; kind: "usage_limited"; message: string; retryAfterMs?: number };

/** What a plugin learns when a turn of its session ends. */
export interface TurnEndEvent {
  turnId: string;
  kind: TurnKind;
  /** Set when the turn was a continuation of one of this plugin's own leases. */
  leaseKey?: string;
  /** The lease this continuation came from, when it was this plugin's own: lets a plugin count it once. */
  leaseId?: string;
  outcome: TurnOutcome;
  usage: TurnUsage;
  /** Names of the tools the model called, in order. */
  toolCalls: string[];
  /** The model's last text of the turn ("" if none). SECURITY: model output, untrusted data. */
  text: string;
}

/**
 * A plugin's answer to the admission of its continuation: false declines it; an object admits it with
 * ceilings on what its turn may spend, never passed: `maxTokens` on the tokens (input and output of every
 * model call), `maxCostUsd` on their cost in US dollars at the host's prices (a turn on a model with no
 * price then makes no call); true or nothing admits it.
 */
export type LeaseAdmission = boolean | undefined | TurnCeiling;

/** What one continuation turn may spend; each bound given is a ceiling, and the first reached ends the turn. */
export interface TurnCeiling {
  maxTokens?: number;
  maxCostUsd?: number;
}

/** Hooks a plugin can subscribe to; each receives a fresh context for the session. */
export interface PluginHooks {
  /** A turn is about to call the model; `leaseKey` is set when it continues this plugin's own lease. */
  "turn-start": (
    event: { turnId: string; kind: TurnKind; leaseKey?: string },
    context: SessionContext,
  ) => void | Promise<void>;
  "turn-end": (event: TurnEndEvent, context: SessionContext) => void | Promise<void>;
  /** A person sent plain text (not a command). `text` is SECURITY: user text, untrusted. */
  "user-message": (event: { text: string }, context: SessionContext) => void | Promise<void>;
  "session-reset": (event: { previousGeneration: number }, context: SessionContext) => void | Promise<void>;
  /**
   * A continuation turn of this plugin's lease started and its end is not on record (the process died, or
   * the store failed as it ended). It is not replayed; the plugin decides what its state should say. Told
   * at least once: the lease id tells a repeat.
   */
  "lease-interrupted": (
    event: { leaseKey: string; leaseId: string; reason: LeaseInterruptReason },
    context: SessionContext,
  ) => void | Promise<void>;
  /**
   * One of this plugin's continuations is about to start its turn (it has been claimed; no other process
   * can run it). Return false to decline it: it is dropped (`plugin_declined`) and no turn starts. The
   * plugin's own re-check of its state, made with the turn's start, e.g. "is this goal still active?".
   */
  "lease-admission": (
    event: { leaseKey: string; leaseId: string },
    context: SessionContext,
  ) => LeaseAdmission | Promise<LeaseAdmission>;
  /**
   * This host starts serving a session that has no continuation pending: opened here, or taken over from
   * a process that is gone (after the turns it left unfinished were reported), or served here all along
   * while its store failed (a full disk, a lost connection) and now works again. A plugin re-arms here what
   * a lost write or a crash left with nothing scheduled.
   */
  "session-ready": (
    event: { reason: "opened" | "taken-over" | "store-recovered" },
    context: SessionContext,
  ) => void | Promise<void>;
  /** A short line added to the system text of every turn; return undefined to add nothing. */
  "prompt-context": (context: SessionContext) => string | undefined | Promise<string | undefined>;
}

/** Versioned plugin state, scoped to the plugin and the context's session. */
export interface PluginStateApi {
  get(context: SessionContext, key: string): Promise<StateEntry | undefined>;
  /**
   * Compare-and-set: writes only if the stored version is `expectedVersion` (0 = not stored yet). `log`
   * entries are appended to the key's log in the same transaction, only if the value was written.
   */
  set(
    context: SessionContext,
    key: string,
    value: JsonValue,
    options: { expectedVersion: number; log?: readonly JsonValue[] },
  ): Promise<StateWriteResult>;
  /** Deletes the value and its log. */
  delete(context: SessionContext, key: string): Promise<void>;
  /** Appends to the key's append-only log (the last 1,000 entries are kept), without touching the value. */
  append(context: SessionContext, key: string, entries: readonly JsonValue[]): Promise<void>;
  /** The last `limit` entries of the key's log, oldest first. */
  log(context: SessionContext, key: string, options: { limit: number }): Promise<JsonValue[]>;
}

/** What a plugin gets at registration. Everything that routes takes a host-minted context. */
export interface PluginApi {
  readonly pluginId: string;
  registerCommand(command: CommandDefinition): void;
  // biome-ignore lint/suspicious/noExplicitAny: a control's schema type is erased once registered.
  registerControl(control: ControlDefinition<any>): void;
  // biome-ignore lint/suspicious/noExplicitAny: a tool's schema type is erased once registered.
  registerTool(tool: ToolDefinition<any>): void;
  on<Name extends keyof PluginHooks>(name: Name, handler: PluginHooks[Name]): void;
  readonly session: { readonly workflow: SessionWorkflowApi };
  readonly state: PluginStateApi;
  /** The host's clock, so plugins measure time the way the host (and its tests) do. */
  now(): number;
  /**
   * Counts work the plugin carries on outside a hook, command or tool (acting on a check's result, say) as
   * the host's own, from now until it settles: `host.idle()` waits for it and `close()` drains it. A
   * rejection is reported as a `plugin-error` event (hook `background`). Hand it over only once the work is
   * short: a host waiting on a process that runs for minutes is not idle for minutes.
   */
  background(work: Promise<unknown>): void;
}

/** A plugin: an id and a `register` function that declares its commands, tools and hooks. */
export interface PluginDefinition {
  /** Lower-case letters, digits and `-`, starting with a letter; at most 64 characters. */
  id: string;
  register(api: PluginApi): void | Promise<void>;
}

/** Identity function that gives a plugin definition its types. */
export function definePlugin(plugin: PluginDefinition): PluginDefinition {
  return plugin;
}

/** Identity function that gives a command definition its types. */
export function defineCommand(command: CommandDefinition): CommandDefinition {
  return command;
}

/** Identity function that infers a control's input type from its zod schema. */
export function defineControl<Schema extends z.core.$ZodType>(
  control: ControlDefinition<Schema>,
): ControlDefinition<Schema> {
  return control;
}

/** Identity function that infers a tool's input type from its zod schema. */
export function defineTool<Schema extends z.ZodObject>(tool: ToolDefinition<Schema>): ToolDefinition<Schema> {
  return tool;
}
