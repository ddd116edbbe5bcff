// Starts an installed `goal-lease serve` on a store and fetches its page, script and API: proof that the
// dashboard ships in the package (and in the Claude Code plugin's bundle) and is found where it is.
import { spawn } from "node:child_process";

/** What one serve run showed: the statuses of `/`, `/app.js` and `/api/goals`, or why it did not start. */
export async function probeServe(command: string, args: string[]): Promise<{ ok: boolean; detail: unknown }> {
  const child = spawn(command, [...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    const url = await new Promise<RegExpExecArray | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 20_000);
      const look = () => {
        const match = /Open (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      };
      child.stdout.on("data", look);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    if (!url) return { ok: false, detail: output.slice(-600) };
    const [, origin, token] = url;
    const page = await fetch(`${origin}/`);
    const script = await fetch(`${origin}/app.js`);
    const goals = await fetch(`${origin}/api/goals`, { headers: { Authorization: `Bearer ${token}` } });
    const statuses = [page.status, script.status, goals.status];
    const body = (await goals.json()) as { goals?: unknown[] };
    return {
      ok: statuses.every((status) => status === 200) && Array.isArray(body.goals) && body.goals.length === 1,
      detail: { statuses, goals: body.goals?.length },
    };
  } finally {
    child.kill("SIGTERM");
  }
}
