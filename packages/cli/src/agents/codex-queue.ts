import { execFile } from "node:child_process";
import { readlinkSync } from "node:fs";
import { basename } from "node:path";

/**
 * Wakes an idle Codex session with a message queued as its next prompt: `codex queue --thread <id>
 * --message <text>`, run with the Codex that started this server (its parent process), which hands it to
 * the thread's running Codex. Undefined where that Codex cannot be found.
 */
export function codexQueue(
  env: NodeJS.ProcessEnv,
  parent = process.ppid,
): ((threadId: string, message: string) => Promise<boolean>) | undefined {
  let binary: string;
  try {
    binary = readlinkSync(`/proc/${parent}/exe`);
  } catch {
    return undefined;
  }
  if (!basename(binary).startsWith("codex")) return undefined;
  return (threadId, message) =>
    new Promise((resolve) => {
      const args = ["queue", "--thread", threadId, "--message", message];
      execFile(binary, args, { env, timeout: 30_000, maxBuffer: 1_048_576 }, (error) => resolve(!error));
    });
}
