import type { SessionWorkflowApi } from "../lease.js";
import type { HostInternals } from "./host-internals.js";
import { clearLease, getLease, requestLease } from "./lease-service.js";
import type { PluginRuntimeApi } from "./plugin-registry.js";
import { createStateApi } from "./state-api.js";

/** The host-backed half of a plugin's API, bound to its id so every call is attributed to that plugin. */
export function pluginRuntime(host: HostInternals, pluginId: string, load: number): PluginRuntimeApi {
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
  };
}
