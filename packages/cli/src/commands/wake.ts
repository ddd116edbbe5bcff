import { existsSync } from "node:fs";
import {
  defaultStoreLocation,
  forwardCommand,
  GoalLeaseError,
  isPostgresUrl,
  openStore,
} from "@goal-lease/sdk";
import { type CliIo, printable, writeLine } from "../cli-io.js";

/**
 * `goal-lease wake --session S [--note TEXT]`: ends a waiting goal's wait from any shell. The command goes
 * through the store to the process that runs the session (at once where the store can tell it), which
 * answers as `/goal wake` would; with no process running the session now, it is applied when one does.
 */
export async function runWake(
  io: CliIo,
  options: { session: string; note?: string; store?: string },
): Promise<number> {
  const location = options.store ?? defaultStoreLocation(io.env);
  if (!isPostgresUrl(location) && !existsSync(location)) {
    throw new GoalLeaseError({
      code: "store_missing",
      message: `No store at ${location}; pass --store with the store the goal's process uses.`,
    });
  }
  const store = await openStore(location);
  try {
    const note = (options.note ?? "").replace(/\s+/g, " ").trim();
    const result = await forwardCommand(
      store,
      {
        sessionKey: options.session,
        text: `/goal wake ${note}`.trim(),
        sender: { id: "cli", isOwner: true },
      },
      { timeoutMs: 5_000 },
    );
    writeLine(io.stdout, printable(result.status === "answered" ? result.reply : result.message));
    return 0;
  } finally {
    await store.close();
  }
}
