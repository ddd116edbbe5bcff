import { createHost, type Host } from "../host/host.js";
import type { HostOptions } from "../host/host-options.js";
import type { Model } from "../model.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import type { HostStore } from "../store/store.js";
import { FakeClock } from "./fake-clock.js";
import { ScriptedModel } from "./scripted-model.js";
import { settle } from "./settle.js";

/** Options of {@link createTestHost}: those of the production host, with test defaults. */
export interface TestHostOptions extends Omit<HostOptions, "model" | "clock" | "store"> {
  model?: Model;
  clock?: FakeClock;
  store?: HostStore;
}

/** The production host, wired to an in-memory store, a fake clock and (by default) a scripted model. */
export interface TestHost {
  host: Host;
  clock: FakeClock;
  store: HostStore;
  model: Model;
  /**
   * Runs the host until nothing is left to do: lets async work finish, and while something waits on a
   * timer, fires the next one. Throws if it has not settled after `maxTimers` timers.
   */
  settle(options?: { maxTimers?: number }): Promise<void>;
  /** Closes the host and, for a scripted model, verifies the script was played exactly. */
  dispose(): Promise<void>;
}

/** Creates a {@link TestHost}: `createHost` itself, not a parallel implementation. */
export async function createTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const clock = options.clock ?? new FakeClock();
  const store = options.store ?? new MemoryStore();
  const model = options.model ?? new ScriptedModel();
  const host = await createHost({ ...options, model, clock, store });
  return {
    host,
    clock,
    store,
    model,
    settle: (settleOptions) => settle(host, clock, settleOptions),
    async dispose() {
      await host.close();
      if (model instanceof ScriptedModel) model.verify();
    },
  };
}
