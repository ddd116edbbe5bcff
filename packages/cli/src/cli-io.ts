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

/**
 * Text from outside (an objective, a note, a model's reply, an error's message) made safe for a terminal,
 * the one place the CLI does so: C0 and C1 control characters and DEL, which could move the cursor,
 * recolour the screen or start an escape sequence (U+009B is an 8-bit CSI), and the bidirectional
 * overrides and isolates, which make a line read other than it is, are shown as `\uXXXX`. Newlines and
 * tabs stay, for replies of several lines. What `JSON.stringify` wrote stays JSON with the same value: the
 * characters this escapes can only stand inside its strings there, where `\uXXXX` means them.
 */
export function printable(text: string): string {
  let shown = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const control = (code < 0x20 && char !== "\n" && char !== "\t") || (code >= 0x7f && code <= 0x9f);
    const bidi = (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    shown += control || bidi ? `\\u${code.toString(16).padStart(4, "0")}` : char;
  }
  return shown;
}
