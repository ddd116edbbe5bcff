import type { LeaseDropReason } from "../../lease.js";
import type { TurnCeiling } from "../../plugin.js";
import type { LeaseRecord } from "../../store/store.js";
import { hostSender, mintContext } from "../plugins/plugin-hooks.js";
import type { SessionState } from "../sessions/session-state.js";
import type { LeaseHost } from "./lease-host.js";

/** Emits `lease-dropped` for a lease that will not become a turn. */
export function emitLeaseDropped(host: LeaseHost, lease: LeaseRecord, reason: LeaseDropReason): void {
  const { sessionKey, pluginId, leaseKey, id: leaseId } = lease;
  host.events.emit("lease-dropped", { sessionKey, pluginId, leaseKey, leaseId, reason });
}

/**
 * Puts a due lease that is not claimed back among the due, behind the person's message, unless a newer
 * lease of its slot is due already (that one is the plugin's wish now; this one would fail its claim).
 */
export function giveWay(session: SessionState, lease: LeaseRecord): void {
  const newer = session.due.some((due) => due.pluginId === lease.pluginId && due.leaseKey === lease.leaseKey);
  if (!newer) session.due.push(lease);
}

/**
 * The answer of the lease's plugin in its `lease-admission` hook: declined, or admitted with the ceilings
 * it set. A hook that throws, or answers with a token ceiling that is not a whole number >= 0 or a dollar
 * ceiling that is not a finite number >= 0, declines: when a plugin cannot say its continuation is still
 * wanted, none starts.
 */
export async function askPlugin(
  host: LeaseHost,
  session: SessionState,
  lease: LeaseRecord,
): Promise<"declined" | TurnCeiling> {
  const admitted: TurnCeiling = {};
  for (const { pluginId, handler } of host.registry.hooks("lease-admission")) {
    if (pluginId !== lease.pluginId) continue;
    try {
      const context = mintContext(host, session, pluginId, {
        sender: hostSender,
        generation: lease.generation,
        origin: "hook",
      });
      const answer = await handler({ leaseKey: lease.leaseKey, leaseId: lease.id }, context);
      if (answer === false) return "declined";
      if (typeof answer === "object" && answer !== null) {
        const { maxTokens, maxCostUsd } = answer;
        if (maxTokens !== undefined) {
          if (!Number.isSafeInteger(maxTokens) || maxTokens < 0) {
            throw new Error(`it answered maxTokens ${String(maxTokens)}; a ceiling is a whole number >= 0`);
          }
          admitted.maxTokens = Math.min(maxTokens, admitted.maxTokens ?? maxTokens);
        }
        if (maxCostUsd !== undefined) {
          if (typeof maxCostUsd !== "number" || !Number.isFinite(maxCostUsd) || maxCostUsd < 0) {
            throw new Error(
              `it answered maxCostUsd ${String(maxCostUsd)}; a ceiling is a finite number >= 0`,
            );
          }
          admitted.maxCostUsd = Math.min(maxCostUsd, admitted.maxCostUsd ?? maxCostUsd);
        }
      }
    } catch (error) {
      host.events.emit("plugin-error", {
        pluginId,
        hook: "lease-admission",
        message: error instanceof Error ? error.message : String(error),
      });
      return "declined";
    }
  }
  return admitted;
}

/** Why a lease may no longer start a turn in `session`, if it may not. */
export function staleReason(
  host: LeaseHost,
  session: SessionState,
  lease: LeaseRecord,
): LeaseDropReason | undefined {
  if (host.isDraining()) return "host_draining";
  if (!session.open) return "session_closed";
  if (session.fence === undefined) return "session_lost";
  if (lease.generation !== session.record.generation) return "session_reset";
  if (!host.registry.isLoaded(lease.pluginId)) return "plugin_unloaded";
  return undefined;
}
