import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChat } from "./chat.ts";

// The store file: the first argument, else $EMBED_HOST_STORE, else one in the temporary directory. Not the
// SDK's GOAL_LEASE_STATE, so trying the example never writes into a real goal-lease store.
const storePath =
  process.argv[2] || process.env.EMBED_HOST_STORE || join(tmpdir(), "goal-lease-embed-host.db");

try {
  await runChat({ input: process.stdin, output: process.stdout, storePath });
} catch (error) {
  process.stderr.write(`embed-host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
