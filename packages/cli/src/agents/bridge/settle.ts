import type { Host } from "@goal-lease/sdk";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the host is idle, including a lease a turn-end hook has just armed to run at once. */
export async function settle(host: Host): Promise<void> {
  do {
    await host.idle();
    await new Promise((resolve) => setTimeout(resolve, 0));
  } while (!host.isIdle());
}
