import type { HostStore } from "../src/store/store.js";

const hop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A store whose every call completes only after event-loop hops, before and after the real one, as a
 * networked store's (or another process's) would: whatever else is in flight interleaves with it.
 * `extraHops` adds a few more, chosen per call, to shake the interleavings.
 */
export function hoppingStore(inner: HostStore, extraHops: () => number = () => 0): HostStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      // Hopping makes a notifying store a polled one, as across processes.
      if (property === "watchCommands") return undefined;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        for (let count = 1 + extraHops(); count > 0; count--) await hop();
        const result = await value.apply(target, args);
        await hop();
        return result;
      };
    },
  });
}
