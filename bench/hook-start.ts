// How long Claude Code waits for `goal-lease hook`, which it starts for every hook event: the whole process
// of the plugin's bundled hook relaying one event to a listening server, against a bare `node -e 0`,
// interleaved so both see the same machine.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hookSocketPath, serveHookSocket } from "../packages/cli/dist/agents/hook-socket.js";

const entry = fileURLToPath(new URL("../plugins/claude-code/dist/hook.js", import.meta.url));

function timeProcess(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["pipe", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`node ${args.join(" ")} exited ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.stdin.end(input);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Median whole-process milliseconds of the hook and of a bare Node start, over `runs` interleaved pairs. */
export async function measureHookStart(runs: number) {
  const directory = mkdtempSync(join(tmpdir(), "goal-lease-hook-"));
  // The hook finds its server by the Claude Code pid under the temp directory; any pid works here.
  const claudePid = 1;
  const server = await serveHookSocket(hookSocketPath("claude", claudePid, directory), async () => "");
  const env = { ...process.env, CLAUDE_PID: String(claudePid), TMPDIR: directory };
  const event = JSON.stringify({ hook_event_name: "Stop", session_id: "bench", stop_hook_active: false });
  const hook: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      bare.push(await timeProcess(["-e", "0"], env, ""));
      hook.push(await timeProcess([entry], env, event));
    }
  } finally {
    server.close();
    rmSync(directory, { recursive: true, force: true });
  }
  return { hookMs: median(hook), bareMs: median(bare), ratio: median(hook) / median(bare) };
}
