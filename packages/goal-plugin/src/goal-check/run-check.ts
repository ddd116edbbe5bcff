import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { splitCommand } from "./split-command.js";

/** How much of a check's output is kept: its end, where test runners say what failed. */
export const keptOutputBytes = 8 * 1_024;

/** What became of one run: passed or failed (with its exit code, or killed at its limit), or not started. */
export type CheckOutcome =
  | { kind: "ran"; exitCode: number | null; timedOut: boolean; durationMs: number; output: string }
  | { kind: "unrunnable"; message: string };

/** A check in progress: its outcome, and a way to stop it (its whole process group). */
export interface RunningCheck {
  outcome: Promise<CheckOutcome>;
  kill(): void;
}

/**
 * Runs the person's check command in `cwd`: split into words and run directly, or by the system shell when
 * `shell`. It runs in a process group of its own, so a time limit or a stop kills everything it started.
 */
export function runCheck(
  command: string,
  options: { shell: boolean; cwd: string; timeoutMs: number },
): RunningCheck {
  if (!existsSync(options.cwd)) {
    return { outcome: Promise.resolve(unrunnable(`the folder ${options.cwd} is gone`)), kill: () => {} };
  }
  let argv: string[];
  try {
    argv = options.shell ? [] : splitCommand(command);
  } catch (error) {
    return { outcome: Promise.resolve(unrunnable((error as Error).message)), kill: () => {} };
  }
  const [program = "", ...args] = argv;
  if (!options.shell && program === "") {
    return { outcome: Promise.resolve(unrunnable("the check command is empty")), kill: () => {} };
  }
  const started = performance.now();
  const child = options.shell
    ? spawn(command, { cwd: options.cwd, shell: true, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    : spawn(program, args, { cwd: options.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const output = new TailBuffer(keptOutputBytes);
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, options.timeoutMs);
  const outcome = new Promise<CheckOutcome>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(
        unrunnable(error.code === "ENOENT" ? `no program ${JSON.stringify(program)} to run` : error.message),
      );
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      const durationMs = Math.round(performance.now() - started);
      resolve({ kind: "ran", exitCode: timedOut ? null : code, timedOut, durationMs, output: output.text() });
    });
  });
  return { outcome, kill: () => killGroup(child) };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

function unrunnable(message: string): CheckOutcome {
  return { kind: "unrunnable", message: `the check could not start: ${message}` };
}

// C0 but newline and tab, DEL, and C1: what a terminal or a log would act on rather than show.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes.
const controlCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The last `limit` bytes of a stream, as text with control characters (but newlines and tabs) escaped. */
class TailBuffer {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - (this.#chunks[0]?.length ?? 0) >= this.#limit) {
      this.#size -= this.#chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    const all = Buffer.concat(this.#chunks);
    const kept = all.subarray(Math.max(0, all.length - this.#limit)).toString("utf8");
    return kept.replace(
      controlCharacters,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
}
