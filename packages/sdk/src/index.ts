// Its declarations use Node.js types (environment, AbortSignal): @types/node is a dependency.
/// <reference types="node" preserve="true" />
export { type Clock, systemClock, type TimerHandle, type TimerOptions } from "./clock.js";
export {
  GoalLeaseError,
  HostUsageError,
  ModelUsageLimitError,
  PluginDefinitionError,
  SessionOwnedError,
  StoreUnavailableError,
  UntrustedContextError,
} from "./errors.js";
export type { HostEvent, HostEventListener, HostEventMap, HostEventName } from "./events.js";
export type { ControlRequest } from "./host/commands/controls.js";
export {
  type ForwardInput,
  type ForwardResult,
  forwardControl,
  hasLiveOwner,
  maxControlInputChars,
} from "./host/commands/forward-control.js";
export { createHost, Host } from "./host/host.js";
export { defaultHostLimits, type HostLimits, type HostOptions } from "./host/host-options.js";
export type { ContinuationDelivery, ExternalTurnRunner } from "./host/leases/external-turn-runner.js";
export type {
  CommandResult,
  OpenSessionOptions,
  SendInput,
  SendResult,
  SessionInfo,
} from "./host/sessions/session-api.js";
export { defaultOwnershipTtlMs, type OwnershipOptions } from "./host/sessions/session-ownership.js";
export type { TurnResult } from "./host/sessions/turn-result.js";
export type { ExternalTurnStart, ExternalTurns } from "./host/turns/external-turns.js";
export type { ToolCallResult } from "./host/turns/tool-executor.js";
export type { JsonValue } from "./json.js";
export {
  type ContinuationLease,
  type LeaseClearRequest,
  type LeaseClearResult,
  type LeaseDropReason,
  type LeaseInterruptReason,
  type LeaseLookupResult,
  type LeaseRejected,
  type LeaseRejectionReason,
  type LeaseRequest,
  type LeaseRequestResult,
  leaseLimits,
  type SessionWorkflowApi,
} from "./lease.js";
export type {
  Model,
  ModelMessage,
  ModelRequest,
  ModelResponse,
  ModelToolCall,
  ModelToolSchema,
  ModelUsage,
} from "./model.js";
export { retryAfterInWords } from "./models/retry-words.js";
export {
  type CommandDefinition,
  type ControlDefinition,
  type ControlResult,
  defineCommand,
  defineControl,
  definePlugin,
  defineTool,
  type LeaseAdmission,
  type PluginApi,
  type PluginDefinition,
  type PluginHooks,
  type PluginStateApi,
  type ToolDefinition,
  type ToolOutput,
  type TurnCeiling,
  type TurnEndEvent,
  type TurnOutcome,
  type TurnUsage,
} from "./plugin.js";
export { defaultPrices } from "./pricing/default-prices.js";
export { formatUsd } from "./pricing/format-usd.js";
export { modelName } from "./pricing/model-name.js";
export {
  costOf,
  type ModelPrice,
  mergePrices,
  type PricedUsage,
  type PriceTable,
  priceOf,
} from "./pricing/price-table.js";
export { pricesVariable, readPriceFile, readPriceTable } from "./pricing/read-price-table.js";
export type { Sender, SessionContext, TurnKind } from "./session-context.js";
export { MemoryStore } from "./store/memory/memory-store.js";
export {
  defaultStoreLocation,
  describeStore,
  isPostgresUrl,
  openStore,
  storeVariable,
} from "./store/open-store.js";
export type {
  AcquireResult,
  CommandAnswer,
  Fence,
  HostStore,
  InboxCommand,
  LeaseRecord,
  LeaseSlot,
  SessionOwner,
  SessionRecord,
  StateCondition,
  StateEntry,
  StateWriteResult,
  TranscriptEntry,
  WriteOptions,
} from "./store/store.js";
export { inboxLimits, maxLogEntries } from "./store/store.js";
export { awaitApplied } from "./store/write-after.js";
export {
  type SessionKeysInTraces,
  type TelemetryOptions,
  traceSessionId,
} from "./tracing/tracer.js";
