import { PassThrough, Writable } from "node:stream";
import { CommanderError } from "commander";
import type { CliIo, InterruptCause } from "../src/cli-io.js";
import { createProgram } from "../src/program.js";

/** A stream that remembers what was written to it. */
class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** In-process streams and a fake SIGINT for one CLI run. */
export function createTestIo(env: NodeJS.ProcessEnv = {}, options: { interruptAtOnce?: boolean } = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough();
  const interruptHandlers = new Set<(cause: InterruptCause) => void>();
  const io: CliIo = {
    stdout,
    stderr,
    stdin,
    env,
    onInterrupt(handler) {
      interruptHandlers.add(handler);
      // A person pressing Ctrl-C the moment the command starts listening for it.
      if (options.interruptAtOnce) queueMicrotask(() => handler("ctrl-c"));
      return () => interruptHandlers.delete(handler);
    },
  };
  return {
    io,
    stdin,
    stdout: () => stdout.text,
    stderr: () => stderr.text,
    interrupt: (cause: InterruptCause = "ctrl-c") => {
      for (const handler of interruptHandlers) handler(cause);
    },
  };
}

/** Runs `goal-lease ...args` in-process on a fresh program; resolves with the exit code. */
export async function runCli(io: CliIo, args: string[]): Promise<number> {
  try {
    await createProgram(io).parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
