// An agent's interactive terminal, driven as a user drives it: a pseudo-terminal from `script`, keys typed
// one at a time, and the screen read back as a terminal emulator (xterm.js, headless) shows it. Stripping
// escape sequences is not enough: a redraw moves the cursor over unchanged cells, so words run together.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import xterm from "@xterm/headless";

const columns = 160;
const rows = 50;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Terminal {
  /** Types `text` key by key, then Enter. */
  type(text: string): Promise<void>;
  /** Sends raw bytes, such as Esc. */
  press(keys: string): void;
  /** Everything shown so far (the scrollback and the screen), whitespace collapsed. */
  screen(): string;
  /** Waits until the screen matches `pattern`; whether it did within `timeoutMs`. */
  until(pattern: RegExp, timeoutMs: number): Promise<boolean>;
  close(): void;
}

export function openTerminal(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Terminal {
  const line = argv.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("script", ["-qfec", `stty cols ${columns} rows ${rows}; exec ${line}`, "/dev/null"], {
    cwd: options.cwd,
    env: { ...options.env, TERM: "xterm-256color" },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  const emulator = new xterm.Terminal({ cols: columns, rows, scrollback: 10_000, allowProposedApi: true });
  // The emulator answers the program's queries (where the cursor is, which terminal this is), as a real one does.
  emulator.onData((answer) => child.stdin.write(answer));
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => emulator.write(chunk));
  const screen = () => {
    const buffer = emulator.buffer.active;
    let text = "";
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y);
      if (line) text += (line.isWrapped ? "" : "\n") + line.translateToString(true);
    }
    return text.replace(/\s+/g, " ");
  };
  return {
    async type(text) {
      for (const character of text) {
        child.stdin.write(character);
        await sleep(20);
      }
      await sleep(400);
      child.stdin.write("\r");
    },
    press: (keys) => child.stdin.write(keys),
    screen,
    async until(pattern, timeoutMs) {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
        if (pattern.test(screen())) return true;
      }
      return pattern.test(screen());
    },
    close() {
      emulator.dispose();
      if (child.pid === undefined) return;
      // `script` starts the program in a session of its own, so its process group is the program's: end
      // that group (the program, its servers and hooks), then `script`'s.
      for (const pid of [...childrenOf(child.pid), child.pid]) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}

/** The processes whose parent is `parent`, from /proc. */
function childrenOf(parent: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}
