import { existsSync } from "node:fs";
import { createGoalPlugin, type GoalNotifier } from "@goal-lease/goal-plugin";
import {
  createHost,
  defaultStoreLocation,
  describeStore,
  GoalLeaseError,
  type Host,
  type HostStore,
  isPostgresUrl,
  MemoryStore,
  type Model,
  openStore as openStoreAt,
  type PluginDefinition,
  type PriceTable,
} from "@goal-lease/sdk";
import { cliNotifier } from "./cli-notifier.js";

/** A host as the CLI runs it: the goal plugin loaded, over the store the user chose. */
export interface CliHost {
  host: Host;
  store: HostStore;
  /** Tells the person when a goal stops on its own; closing waits for the attempts under way. */
  notifier: GoalNotifier;
  /** Where state lives, for the banner: a path, a server (never its password) or "memory". */
  location: string;
  close(): Promise<void>;
}

/**
 * Opens the store (`--store`, else `$GOAL_LEASE_STORE`, else `~/.goal-lease/state.db`: a file, or a
 * PostgreSQL URL) and starts a host on it.
 */
export async function openCliHost(options: {
  model: Model;
  storePath?: string;
  inMemory?: boolean;
  env: NodeJS.ProcessEnv;
  /** `--timeout`: how long one model request may take. */
  requestTimeoutMs?: number;
  /** Plugins to load beside the goal plugin (`--plugin`). */
  plugins?: readonly PluginDefinition[];
  /** What turns are charged at (`--prices`); the shipped table unless set. */
  prices?: PriceTable;
}): Promise<CliHost> {
  const location = options.inMemory ? "memory" : (options.storePath ?? defaultStoreLocation(options.env));
  const store = options.inMemory ? new MemoryStore() : await openStoreAt(location);
  try {
    // A model call may try its request three times (the SDK's retries), each up to the request timeout.
    const limits =
      options.requestTimeoutMs === undefined ? {} : { modelTimeoutMs: 3 * options.requestTimeoutMs + 30_000 };
    const notifier = cliNotifier(store, options.env);
    const plugins = [createGoalPlugin({ notifier }), ...(options.plugins ?? [])];
    const prices = options.prices === undefined ? {} : { prices: options.prices };
    const host = await createHost({ model: options.model, store, limits, plugins, ...prices });
    return {
      host,
      store,
      notifier,
      location: describeStore(location),
      async close() {
        // What is still to retry stays pending in the store, for the next process that serves its session.
        await notifier.close();
        await host.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Opens an existing store for status, events and sessions; a missing one is an error, never created. */
export async function openStore(
  storePath: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ store: HostStore; location: string }> {
  const location = storePath ?? defaultStoreLocation(env);
  if (isPostgresUrl(location)) {
    return { store: await openStoreAt(location, { readOnly: true }), location: describeStore(location) };
  }
  if (!existsSync(location)) {
    throw new GoalLeaseError({
      code: "store_missing",
      message: `No store at ${location}; run goal-lease run or chat first, or pass --store PATH.`,
    });
  }
  // Status views only read: a store in a folder the user may only read can still be shown.
  return { store: await openStoreAt(location, { readOnly: true }), location };
}
