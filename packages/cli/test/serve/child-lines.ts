import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { vi } from "vitest";

/** A child process whose output a test waits on, line by line. */
export interface ChildLines {
  child: ChildProcessWithoutNullStreams;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Waits until its output matches `pattern`, and returns the match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Ends it (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `node ...args` with its output kept for {@link ChildLines.waitFor}. */
export function startNode(args: string[], options: { cwd?: string } = {}): ChildLines {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1" } });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => text,
    waitFor: (pattern, timeoutMs = 30_000) =>
      vi.waitFor(
        () => {
          const match = pattern.exec(text);
          if (!match) throw new Error(`no ${pattern} in the output of node ${args.join(" ")}:\n${text}`);
          return match;
        },
        { timeout: timeoutMs, interval: 20 },
      ),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      // A host stuck in a model call the test never released may not close; it is ended for sure.
      const hard = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(hard);
    },
  };
}
