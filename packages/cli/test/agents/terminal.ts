// An agent's interactive terminal, driven as a user drives it: a pseudo-terminal from `script`, keys typed
// one at a time, and the screen read back as plain text.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what it removes
const ansi = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Terminal {
  /** Types `text` key by key, then Enter. */
  type(text: string): Promise<void>;
  /** Sends raw bytes, such as Esc. */
  press(keys: string): void;
  /** Everything shown so far, escape sequences removed and whitespace collapsed. */
  screen(): string;
  /** Waits until the screen matches `pattern`; whether it did within `timeoutMs`. */
  until(pattern: RegExp, timeoutMs: number): Promise<boolean>;
  close(): void;
}

export function openTerminal(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Terminal {
  const line = argv.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("script", ["-qfec", `stty cols 160 rows 50; exec ${line}`, "/dev/null"], {
    cwd: options.cwd,
    env: { ...options.env, TERM: "xterm-256color" },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let raw = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    raw += chunk;
    // A full-screen program asks where the cursor is and waits for the answer.
    if (chunk.includes("\x1b[6n")) child.stdin.write("\x1b[1;1R");
  });
  const screen = () => raw.replace(ansi, "").replace(/\s+/g, " ");
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
