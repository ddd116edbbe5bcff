import type { HostStore } from "../../store/store.js";

/** One case of the store contract: what it checks, and the check, run on a new, empty store. */
export interface StoreCase {
  name: string;
  run(store: HostStore): Promise<void>;
}
