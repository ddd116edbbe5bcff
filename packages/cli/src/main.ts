import { CommanderError } from "commander";
import type { InterruptCause } from "./cli-io.js";
import { createProgram } from "./program.js";

const interruptHandlers = new Set<(cause: InterruptCause) => void>();
process.on("SIGINT", () => {
  // Nothing listening (a command between its steps): Ctrl-C ends the process, as it would by default.
  if (interruptHandlers.size === 0) process.exit(130);
  for (const handler of [...interruptHandlers]) handler("ctrl-c");
});
// A reader that went away (`| head`) stops the command as Ctrl-C does, not with a stack trace; what is
// written after that goes nowhere.
let outputClosed = false;
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE" || outputClosed) return;
  outputClosed = true;
  for (const handler of [...interruptHandlers]) handler("output-closed");
});

const program = createProgram({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  onInterrupt(handler) {
    interruptHandlers.add(handler);
    return () => interruptHandlers.delete(handler);
  },
});
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode;
}
