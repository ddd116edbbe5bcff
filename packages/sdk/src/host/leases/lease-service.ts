import { randomUUID } from "node:crypto";
import { trace } from "@opentelemetry/api";
import { z } from "zod";
import { formatIssues } from "../../format-issues.js";
import {
  type ContinuationLease,
  type LeaseClearResult,
  type LeaseLookupResult,
  type LeaseRejected,
  type LeaseRejectionReason,
  type LeaseRequest,
  type LeaseRequestResult,
  leaseLimits,
} from "../../lease.js";
import type { Fence, LeaseRecord, LeaseSlot, StateCondition, StateWriteResult } from "../../store/store.js";
import { rememberLeaseContext } from "../../tracing/tracer.js";
import { type PluginCaller, resolveContext } from "../plugins/resolve-context.js";
import { stateKeyPattern } from "../plugins/state-api.js";
import { stateWriteOf } from "../plugins/state-copies.js";
import type { SessionState } from "../sessions/session-state.js";
import { withdrawUnstarted } from "./delivery.js";
import type { LeaseHost } from "./lease-host.js";

const sessionField = z.custom<object>((value) => typeof value === "object" && value !== null, {
  message: "must be the SessionContext your command, tool or hook received",
});
const leaseKeyField = z.string().regex(leaseLimits.leaseKeyPattern, {
  message: "must be 1-80 characters of letters, digits, '.', '_' or '-'",
});

// Strict: a sessionKey, agentId or channel field is an error, never a routing hint.
const requestSchema = z.strictObject({
  session: sessionField,
  leaseKey: leaseKeyField,
  message: z.string().trim().min(1, { message: "must not be empty" }).max(leaseLimits.maxMessageChars),
  delayMs: z.number().int().min(0).max(leaseLimits.maxDelayMs).optional(),
  condition: z
    .union([
      z.strictObject({
        stateKey: z.string().regex(stateKeyPattern, { message: 'must be 1-120 letters, digits or "._:-"' }),
        version: z.number().int().min(0),
      }),
      z.strictObject({
        write: z.custom<Promise<StateWriteResult>>((value) => stateWriteOf(value) !== undefined, {
          message: "must be the promise a state.set of this plugin returned",
        }),
      }),
    ])
    .optional(),
});
// Clear and lookup name a slot the same way: a context and a lease key, nothing else.
const slotSchema = z.strictObject({ session: sessionField, leaseKey: leaseKeyField });

const rejected = (reason: LeaseRejectionReason, message: string): LeaseRejected => ({
  status: "rejected",
  reason,
  message,
});

/** Requests a lease for the calling plugin in the session of the request's context. */
export async function requestLease(
  host: LeaseHost,
  caller: PluginCaller,
  request: unknown,
): Promise<LeaseRequestResult> {
  const result = await admitRequest(host, caller, request);
  if (result.status === "rejected")
    host.events.emit("lease-rejected", { pluginId: caller.pluginId, ...result });
  return result;
}

async function admitRequest(
  host: LeaseHost,
  caller: PluginCaller,
  request: unknown,
): Promise<LeaseRequestResult> {
  const { pluginId } = caller;
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) {
    return rejected("invalid_request", `Invalid lease request: ${formatIssues(parsed.error)}.`);
  }
  const { session: context, leaseKey, message, delayMs = 0, condition } = parsed.data;
  const checked = checkContext(host, context, caller);
  if ("status" in checked) return checked;
  const { session, fence } = checked;
  if (!host.registry.isLoaded(pluginId)) {
    return rejected(
      "plugin_unloaded",
      `Plugin "${pluginId}" is not loaded; load it before requesting leases.`,
    );
  }
  if (host.isDraining())
    return rejected("host_draining", "The host is shutting down; no new leases are accepted.");
  const { sessionKey } = session.record;
  const now = host.clock.now();
  const record: LeaseRecord = {
    id: randomUUID(),
    pluginId,
    sessionKey,
    leaseKey,
    message,
    createdAt: now,
    dueAt: now + delayMs,
    generation: session.record.generation,
  };
  const sequence = host.nextLeaseSequence();
  const conditional = conditionOf(condition, session, pluginId);
  if ("status" in conditional) return conditional;
  const { ifState, after } = conditional;
  const stored = await session.changingLeases(() =>
    storeLease(host, session, { record, sequence }, { fence, ifState, after }),
  );
  if ("status" in stored) return stored;
  const { replaced } = stored;
  rememberLeaseContext(record.id);
  trace.getActiveSpan()?.addEvent("goal_lease.lease.scheduled", {
    "goal_lease.lease.id": record.id,
    "goal_lease.lease.key": leaseKey,
    "goal_lease.lease.due_at": new Date(record.dueAt).toISOString(),
    "goal_lease.lease.replaced": replaced !== undefined,
  });
  const lease = toContinuationLease(record);
  host.events.emit("lease-scheduled", { sessionKey, pluginId, lease, replaced: replaced !== undefined });
  return { status: "scheduled", lease, replaced: replaced !== undefined };
}

/**
 * Stores the lease in its slot, withdraws what it replaced here (a due one, or one being admitted or handed
 * over whose turn has not started: still pending for the plugin), and arms it.
 */
async function storeLease(
  host: LeaseHost,
  session: SessionState,
  { record, sequence }: { record: LeaseRecord; sequence: number },
  options: { fence: Fence; ifState?: StateCondition | undefined; after?: Promise<unknown> | undefined },
): Promise<LeaseRejected | { replaced: LeaseRecord | undefined }> {
  const { pluginId, leaseKey } = record;
  const { ifState } = options;
  let replaced: LeaseRecord | undefined;
  try {
    const stored = await host.store.putLease(record, options);
    if ("conflict" in stored) {
      return rejected(
        "condition_failed",
        `Not scheduled: state "${ifState?.key}" is at version ${stored.conflict.version}, not ${ifState?.version}; it changed since it was read.`,
      );
    }
    replaced = stored.replaced;
  } catch (error) {
    if ((error as { code?: string }).code === "not_applied") {
      return rejected(
        "condition_failed",
        `Not scheduled: the write of state "${ifState?.key}" it followed did not write.`,
      );
    }
    return rejected("store_unavailable", `The lease could not be stored: ${(error as Error).message}.`);
  }
  if (replaced) session.removeDue(pluginId, leaseKey);
  // The one replaced may be being admitted already (taken from the due): it is withdrawn there too.
  const unstarted = await withdrawUnstarted(host, session, { pluginId, leaseKey });
  replaced ??= unstarted;
  host.scheduler.arm(record, sequence);
  return { replaced };
}

/**
 * A request's condition as the store takes it: the state version, and the write on its way that gives it
 * (named by the promise the plugin's `state.set` answered with, of this plugin and session only).
 */
function conditionOf(
  condition: LeaseRequest["condition"],
  session: SessionState,
  pluginId: string,
): LeaseRejected | { ifState?: StateCondition; after?: Promise<unknown> } {
  if (condition === undefined) return {};
  if ("stateKey" in condition) return { ifState: { key: condition.stateKey, version: condition.version } };
  const write = stateWriteOf(condition.write);
  if (write?.place.session !== session || write.place.pluginId !== pluginId) {
    return rejected(
      "invalid_request",
      "Invalid lease request: condition.write must be a state.set of this plugin in the request's session.",
    );
  }
  return { ifState: { key: write.place.key, version: write.version }, after: write.stored };
}

/** Clears the calling plugin's pending lease in the session of the request's context. Idempotent. */
export async function clearLease(
  host: LeaseHost,
  caller: PluginCaller,
  request: unknown,
): Promise<LeaseClearResult> {
  const { pluginId } = caller;
  const resolved = resolveSlot(host, caller, request, "clear");
  if ("status" in resolved) return resolved;
  const { session, slot, fence } = resolved;
  const cleared = await session.changingLeases(async () => {
    let deleted: LeaseRecord | undefined;
    try {
      deleted = await host.store.deleteLease(slot, undefined, { fence });
    } catch (error) {
      return rejected("store_unavailable", `The lease could not be cleared: ${(error as Error).message}.`);
    }
    host.scheduler.disarm(slot);
    const wasDue = session.removeDue(pluginId, slot.leaseKey);
    const unstarted = await withdrawUnstarted(host, session, slot);
    return deleted ?? wasDue ?? unstarted;
  });
  if (cleared && "status" in cleared) return cleared;
  if (!cleared) return { status: "not_found" };
  host.events.emit("lease-cleared", { ...slot, leaseId: cleared.id });
  return { status: "cleared" };
}

/** Reads the calling plugin's pending lease in the session of the request's context. */
export async function getLease(
  host: LeaseHost,
  caller: PluginCaller,
  request: unknown,
): Promise<LeaseLookupResult> {
  const resolved = resolveSlot(host, caller, request, "lookup");
  if ("status" in resolved) return resolved;
  const { slot } = resolved;
  try {
    const lease = await host.store.getLease(slot);
    return lease ? { status: "pending", lease: toContinuationLease(lease) } : { status: "not_found" };
  } catch (error) {
    return rejected("store_unavailable", `The lease could not be read: ${(error as Error).message}.`);
  }
}

/** Validates a clear or lookup request and names its slot from the context, never from the request. */
function resolveSlot(
  host: LeaseHost,
  caller: PluginCaller,
  request: unknown,
  verb: "clear" | "lookup",
): LeaseRejected | { session: SessionState; fence: Fence; slot: LeaseSlot } {
  const { pluginId } = caller;
  const parsed = slotSchema.safeParse(request);
  if (!parsed.success)
    return rejected("invalid_request", `Invalid lease ${verb}: ${formatIssues(parsed.error)}.`);
  const checked = checkContext(host, parsed.data.session, caller);
  if ("status" in checked) return checked;
  const { session, fence } = checked;
  return {
    session,
    fence,
    slot: { pluginId, sessionKey: session.record.sessionKey, leaseKey: parsed.data.leaseKey },
  };
}

function checkContext(
  host: LeaseHost,
  context: unknown,
  caller: PluginCaller,
): LeaseRejected | { session: SessionState; fence: Fence } {
  const checked = resolveContext(host, context, caller);
  if (checked.status === "untrusted") return rejected("untrusted_session", checked.message);
  if (checked.status === "unloaded") return rejected("plugin_unloaded", checked.message);
  if (checked.status === "stale") return rejected("session_unavailable", checked.message);
  return { session: checked.session, fence: checked.fence };
}

/** The plugin-facing view of a stored lease. */
export function toContinuationLease(record: LeaseRecord): ContinuationLease {
  return Object.freeze({
    id: record.id,
    leaseKey: record.leaseKey,
    message: record.message,
    createdAt: record.createdAt,
    dueAt: record.dueAt,
  });
}
