import type { HostStore } from "../../store/store.js";
import { dataCases } from "./data-cases.js";
import { inboxCases } from "./inbox-cases.js";
import { leaseCases } from "./lease-cases.js";
import { ownerCases } from "./owner-cases.js";

/**
 * What {@link runStoreContract} needs: the store, and the `describe` and `it` of the test runner (vitest's,
 * jest's and `node:test`'s fit as they are), so the suite depends on none.
 */
export interface StoreContractOptions {
  /** Names the suite, `store contract: <name>`. */
  name: string;
  /** A new, empty store for each case (a new file, schema or key prefix); the case closes it. */
  open: () => HostStore | Promise<HostStore>;
  describe: (name: string, body: () => void) => unknown;
  it: (name: string, body: () => Promise<void>) => unknown;
}

/**
 * Registers the store contract, the cases every {@link HostStore} passes (the SDK's memory, SQLite and
 * PostgreSQL stores among them): sessions, transcripts, plugin state with compare-and-set versions and its
 * log, leases (conditional puts, claims, the started set), session ownership with fencing tokens, orphaned
 * sessions, and the bounded command inbox. Failures are `node:assert` errors that say which call did what.
 */
export function runStoreContract(options: StoreContractOptions): void {
  options.describe(`store contract: ${options.name}`, () => {
    for (const storeCase of [...dataCases, ...leaseCases, ...ownerCases, ...inboxCases]) {
      options.it(storeCase.name, async () => {
        const store = await options.open();
        try {
          await storeCase.run(store);
        } finally {
          await store.close();
        }
      });
    }
  });
}
