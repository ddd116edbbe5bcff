import type { PluginDefinition } from "@goal-lease/sdk";
import { OpenClawBridge } from "./bridge.js";
import type { OpenClawRuntime } from "./openclaw-api.js";

interface Slot {
  starting: Promise<OpenClawBridge>;
  started?: OpenClawBridge;
}

// OpenClaw loads an extension twice in one process (commands in one module instance, tools and agent hooks
// in the other), so module state is not shared; this registry on globalThis is, one bridge per store file.
const registryKey = Symbol.for("goal-lease.openclaw.bridges");
const globals = globalThis as { [registryKey]?: Map<string, Slot> };
globals[registryKey] ??= new Map<string, Slot>();
const slots = globals[registryKey];

/** The gateway's one bridge for `key`, started on first use (never at load, so CLI tools that load the plugin stay inert). */
export function bridgeFor(
  key: string,
  runtime: OpenClawRuntime,
  plugins: () => readonly PluginDefinition[],
): Promise<OpenClawBridge> {
  const existing = slots.get(key);
  if (existing) return existing.starting;
  const slot: Slot = { starting: OpenClawBridge.start(runtime, plugins()) };
  slots.set(key, slot);
  slot.starting.then(
    (bridge) => {
      slot.started = bridge;
    },
    () => slots.delete(key),
  );
  return slot.starting;
}

/** The bridge for `key` if it has finished starting; tool factories cannot wait. */
export function startedBridge(key: string): OpenClawBridge | undefined {
  return slots.get(key)?.started;
}

/** Closes and forgets the bridge for `key` (the gateway is stopping). */
export async function closeBridge(key: string): Promise<void> {
  const slot = slots.get(key);
  if (!slot) return;
  slots.delete(key);
  await (await slot.starting).close();
}
