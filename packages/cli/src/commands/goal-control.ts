import { existsSync } from "node:fs";
import {
  defaultStoreLocation,
  forwardCommand,
  GoalLeaseError,
  type HostStore,
  isPostgresUrl,
  openStore,
} from "@goal-lease/sdk";
import { type CliIo, printable, writeLine } from "../cli-io.js";
import { type ControlVerb, type GoalChange, goalCommandText } from "../goal-change.js";

/**
 * `goal-lease <verb> --session S`: changes a goal from any shell. The command goes through the store to the
 * process that runs the session (at once where the store can tell it), which answers as the `/goal`
 * command would; with no process running the session now, it is applied when one does.
 */
export async function runGoalControl(
  io: CliIo,
  verb: ControlVerb,
  options: GoalChange & { session: string; store?: string },
): Promise<number> {
  const store = await openExistingStore(io, options.store);
  try {
    writeLine(io.stdout, await sendGoalCommand(store, options.session, goalCommandText(verb, options)));
    return 0;
  } finally {
    await store.close();
  }
}

/** Sends a `/goal` command to the session's process and returns its one-line answer (or why there is none yet). */
export async function sendGoalCommand(store: HostStore, sessionKey: string, text: string): Promise<string> {
  if (!(await store.getSession(sessionKey))) {
    throw new GoalLeaseError({
      code: "no_session",
      message: `No session ${JSON.stringify(sessionKey)} in this store; goal-lease sessions lists them.`,
    });
  }
  const result = await forwardCommand(
    store,
    { sessionKey, text, sender: { id: "cli", isOwner: true } },
    { timeoutMs: 5_000 },
  );
  return printable(result.status === "answered" ? result.reply : result.message);
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
