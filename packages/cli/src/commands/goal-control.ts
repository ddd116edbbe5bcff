import { existsSync } from "node:fs";
import { type GoalChange, goalStateLocation, type RemoteGoalVerb } from "@goal-lease/goal-plugin";
import {
  defaultStoreLocation,
  forwardControl,
  GoalLeaseError,
  type HostStore,
  isPostgresUrl,
  openStore,
} from "@goal-lease/sdk";
import { type CliIo, printable, writeLine } from "../cli-io.js";
import { exitCodes } from "../exit-codes.js";

/**
 * `goal-lease <verb> --session S`: changes a goal from any shell. The change goes, as data, through the
 * store to the process that runs the session (at once where the store can tell it), which applies it
 * whatever its goal command is called there and says whether it did; with no process running the session
 * now, it is applied when one does. Exits non-zero when the owner did not apply it.
 */
export async function runGoalControl(
  io: CliIo,
  change: GoalChange & { verb: RemoteGoalVerb },
  options: { session: string; store?: string },
): Promise<number> {
  const store = await openExistingStore(io, options.store);
  try {
    const sent = await sendGoalChange(store, options.session, change);
    writeLine(sent.applied === false ? io.stderr : io.stdout, sent.text);
    return sent.applied === false ? exitCodes.notApplied : exitCodes.done;
  } finally {
    await store.close();
  }
}

/**
 * Sends a change to the session's process; its one-line answer and whether it applied (undefined while
 * it waits to be applied: no process answered yet).
 */
export async function sendGoalChange(
  store: HostStore,
  sessionKey: string,
  change: GoalChange,
): Promise<{ text: string; applied?: boolean }> {
  if (!(await store.getSession(sessionKey))) {
    throw new GoalLeaseError({
      code: "no_session",
      message: `No session ${JSON.stringify(sessionKey)} in this store; goal-lease sessions lists them.`,
    });
  }
  const result = await forwardControl(
    store,
    {
      sessionKey,
      pluginId: goalStateLocation.pluginId,
      verb: change.verb,
      input: change.input,
      sender: { id: "cli", isOwner: true },
    },
    { timeoutMs: 5_000 },
  );
  return result.status === "answered"
    ? { text: printable(result.reply), applied: result.applied }
    : { text: printable(result.message) };
}

/** Opens the store a goal's process uses; a file that is not there is a one-line error, not a new store. */
export async function openExistingStore(io: CliIo, location?: string): Promise<HostStore> {
  const resolved = location ?? defaultStoreLocation(io.env);
  if (!isPostgresUrl(resolved) && !existsSync(resolved)) {
    throw new GoalLeaseError({
      code: "store_missing",
      message: `No store at ${resolved}; pass --store with the store the goal's process uses.`,
    });
  }
  return openStore(resolved);
}
