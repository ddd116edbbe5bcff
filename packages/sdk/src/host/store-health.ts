import { GoalLeaseError, StoreUnavailableError } from "../errors.js";
import type { HostStore } from "../store/store.js";

/**
 * Whether the host's store has failed since it was last looked at. A write lost to a full disk or a dropped
 * connection can leave a session with nothing scheduled (a plugin's state or lease never written), and no
 * later event of that session would notice; the host's background looks here and, once the store works
 * again, makes its sessions ready anew.
 */
export class StoreHealth {
  /** The store as the host uses it: every call goes through to it, and a failure is noted on the way. */
  readonly store: HostStore;
  #failed = false;

  constructor(store: HostStore) {
    this.store = watchFailures(store, () => {
      this.#failed = true;
    });
  }

  /** Whether a store call failed since the last call of this; the note is cleared. */
  takeFailure(): boolean {
    const failed = this.#failed;
    this.#failed = false;
    return failed;
  }
}

/**
 * `store` with each method's rejection reported to `failed` when it may pass (a store error, or any error a
 * custom store throws), not when it is a refusal that stands (a fence, a closed store). A Proxy rather than
 * a class that forwards each method, so a method the store interface gains is watched too; methods run on
 * the store itself, whose private fields a proxy receiver could not reach.
 */
function watchFailures(store: HostStore, failed: () => void): HostStore {
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      let method = methods.get(property);
      if (method === undefined) {
        method = (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          if (!(result instanceof Promise)) return result;
          // Noted on a branch of its own: the caller gets the store's own promise, which a later write
          // may name as the one it follows (`after`).
          result.then(undefined, (error: unknown) => {
            if (error instanceof StoreUnavailableError || !(error instanceof GoalLeaseError)) failed();
          });
          return result;
        };
        methods.set(property, method);
      }
      return method;
    },
  });
}
