import { createHash } from "node:crypto";
import { type Context, context, type Span, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";

/**
 * The SDK's tracer, through `@opentelemetry/api` alone: a no-op until the embedder registers an
 * OpenTelemetry SDK (a tracer provider), then its spans go wherever that SDK sends them. Asked for at each
 * use, not kept: a tracer kept from before a provider was replaced would still speak to the old one.
 */
export function tracer(): Tracer {
  return trace.getTracer("@goal-lease/sdk", "0.1.0");
}

/** How a session appears in spans: hashed (the default), or its key as given. */
export type SessionKeysInTraces = "hashed" | "plain";

/** What the host puts in its traces. */
export interface TelemetryOptions {
  /**
   * `hashed` (default): a session appears as the first 16 hex digits of its key's SHA-256, enough to
   * follow it without naming it; `plain`: as its key.
   */
  sessionKeys?: SessionKeysInTraces;
}

const hashes = new Map<string, string>();

/** The session as spans name it: `gen_ai.conversation.id`. */
export function traceSessionId(sessionKey: string, keys: SessionKeysInTraces = "hashed"): string {
  if (keys === "plain") return sessionKey;
  let hashed = hashes.get(sessionKey);
  if (hashed === undefined) {
    hashed = createHash("sha256").update(sessionKey).digest("hex").slice(0, 16);
    if (hashes.size >= 10_000) hashes.clear();
    hashes.set(sessionKey, hashed);
  }
  return hashed;
}

/** The provider the model id names (`openai:gpt-4o` is openai), as `gen_ai.provider.name` wants it. */
export function providerOf(modelId: string): string {
  const prefix = /^([a-z][\w.-]*):/i.exec(modelId)?.[1]?.toLowerCase();
  return prefix ?? "goal_lease.custom";
}

/** Ends `span` with an error status and `error.type`, unless it was given one. */
export function failSpan(span: Span, type: string, message: string): void {
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

// The context each pending lease was requested in, so its continuation's turn span is a child of what
// requested it (a goal's span): a lease's wait crosses an async boundary no context manager follows.
const leaseContexts = new Map<string, Context>();
const maxLeaseContexts = 10_000;

/** Keeps the active context for the turn of lease `leaseId`, if a span is active at all. */
export function rememberLeaseContext(leaseId: string): void {
  const active = context.active();
  if (trace.getSpan(active) === undefined) return;
  if (leaseContexts.size >= maxLeaseContexts) {
    const oldest = leaseContexts.keys().next().value;
    if (oldest !== undefined) leaseContexts.delete(oldest);
  }
  leaseContexts.set(leaseId, active);
}

/** The context lease `leaseId` was requested in (forgotten once taken); the active one if none was kept. */
export function takeLeaseContext(leaseId: string | undefined): Context {
  if (leaseId === undefined) return context.active();
  const kept = leaseContexts.get(leaseId);
  leaseContexts.delete(leaseId);
  return kept ?? context.active();
}
