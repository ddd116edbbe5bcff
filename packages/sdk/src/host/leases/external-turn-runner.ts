/** A continuation handed to an embedding host that runs the turns itself. */
export interface ContinuationDelivery {
  sessionKey: string;
  pluginId: string;
  leaseKey: string;
  leaseId: string;
  /** SECURITY: plugin-supplied text; the embedding host feeds it to its model as a continuation, not user text. */
  message: string;
}

/**
 * What an embedding host (OpenClaw, a coding-agent CLI) provides when it runs the model turns and this host
 * only keeps sessions, plugins, state and leases. Resolve once the turn is queued there.
 */
export interface ExternalTurnRunner {
  deliverContinuation(delivery: ContinuationDelivery): Promise<void>;
}
