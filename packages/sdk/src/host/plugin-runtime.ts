import type { SessionWorkflowApi } from "../lease.js";
import type { IdleTracker } from "./idle-tracker.js";
import type { LeaseHost } from "./leases/lease-host.js";
import { clearLease, getLease, requestLease } from "./leases/lease-service.js";
import type { PluginRuntimeApi } from "./plugins/plugin-registry.js";
import { createStateApi } from "./plugins/state-api.js";

/** The host-backed half of a plugin's API, bound to its id so every call is attributed to that plugin. */
export function pluginRuntime(
  host: LeaseHost,
  work: IdleTracker,
  pluginId: string,
  load: number,
): PluginRuntimeApi {
  const caller = { pluginId, load };
  return {
    pluginId,
    now: () => host.clock.now(),
    session: {
      workflow: Object.freeze<SessionWorkflowApi>({
        requestSessionContinuationLease: (request) => requestLease(host, caller, request),
        clearSessionContinuationLease: (request) => clearLease(host, caller, request),
        getSessionContinuationLease: (request) => getLease(host, caller, request),
      }),
    },
    state: createStateApi(host, caller),
    background: (background) => {
      // Reported inside the tracked work: whoever waits for the host hears of the failure first.
      const reported = Promise.resolve(background).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        host.events.emit("plugin-error", { pluginId, hook: "background", message });
      });
      void work.track(reported);
    },
  };
}
