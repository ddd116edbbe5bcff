import type { Host } from "@goal-lease/sdk";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the host is idle, including a lease a turn-end hook or a command has just armed to run at
 * once: its timer is an immediate queued before this one, so it has fired (and its work is counted) by the
 * time this one runs. (A zero timeout alone may run before it.)
 */
export async function settle(host: Host): Promise<void> {
  do {
    await host.idle();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
  } while (!host.isIdle());
}
