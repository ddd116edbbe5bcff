import type { Readable, Writable } from "node:stream";
import { Chalk, type ChalkInstance } from "chalk";

/** Why a command is being stopped. */
export type InterruptCause = "ctrl-c" | "output-closed";

/** The process surface a command uses, injected so tests run each command in-process. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  /**
   * Registers a handler for the user stopping the command: Ctrl-C, or the reader of its output going away
   * (`goal-lease run ... | head`); returns its remover.
   */
  onInterrupt(handler: (cause: InterruptCause) => void): () => void;
}

/** Colours only on a terminal that wants them. */
export function colours(io: CliIo): ChalkInstance {
  const enabled = io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** Writes one line. */
export function writeLine(stream: Writable, text = ""): void {
  stream.write(`${text}\n`);
}

/** Text for the terminal: control characters (which could move the cursor or recolour it) shown escaped. */
export function printable(text: string): string {
  let shown = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const control = (code < 0x20 && char !== "\n" && char !== "\t") || (code >= 0x7f && code <= 0x9f);
    shown += control ? `\\u${code.toString(16).padStart(4, "0")}` : char;
  }
  return shown;
}
