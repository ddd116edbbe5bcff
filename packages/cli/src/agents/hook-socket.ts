import { lstatSync, mkdirSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { AgentName } from "./hook-prompt.js";

/**
 * Where the goal-lease server of one agent process listens for its hooks. The MCP server the agent started
 * knows that process as its parent; Claude Code's hooks know it as `$CLAUDE_PID`, Codex's as their parent
 * (or the shell's). The directory is the user's alone.
 */
export function hookSocketPath(agent: AgentName, agentPid: number, temporary = tmpdir()): string {
  const uid = process.getuid?.() ?? 0;
  return join(temporary, `goal-lease-${uid}`, `${agent}-${agentPid}.sock`);
}

// A hook event carries at most a prompt (bounded at 200k characters by the event schema) and a few fields.
const maxEventChars = 1_000_000;

/**
 * Serves one JSON request per connection: a hook event in, the hook's stdout out. A request may be held
 * (a waker's); `gone` is aborted if its hook goes away before the answer.
 */
export function serveHookSocket(
  path: string,
  handle: (event: unknown, gone: AbortSignal) => Promise<string>,
): Promise<Server> {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Another local user could have made the directory first; then it is theirs to listen in, so refuse.
  const owner = lstatSync(directory);
  if (!owner.isDirectory() || owner.uid !== process.getuid?.() || (owner.mode & 0o077) !== 0) {
    throw new Error(`${directory} must be a directory only you can open; remove it and start again`);
  }
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    let input = "";
    let read = false;
    const gone = new AbortController();
    socket.setEncoding("utf8");
    socket.on("data", async (chunk) => {
      if (read) return;
      input += chunk;
      if (input.length > maxEventChars) socket.destroy();
      const end = input.indexOf("\n");
      if (end === -1) return;
      read = true;
      let stdout = "";
      try {
        stdout = await handle(JSON.parse(input.slice(0, end)), gone.signal);
      } catch (error) {
        stdout = JSON.stringify({ error: error instanceof Error ? error.message : String(error) });
      }
      if (!socket.destroyed) socket.end(`${JSON.stringify({ stdout })}\n`);
    });
    socket.on("close", () => gone.abort());
    socket.on("error", () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve(server));
  });
}

/** Sends one hook event to the server at `path`; undefined if none answers within `timeoutMs`. */
export function relayHookEvent(path: string, event: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let output = "";
    const done = (value: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${event.replace(/\n/g, " ")}\n`));
    socket.on("data", (chunk) => {
      output += chunk;
    });
    socket.on("end", () => {
      try {
        const reply = JSON.parse(output) as { stdout?: unknown; error?: unknown };
        done(typeof reply.stdout === "string" ? reply.stdout : undefined);
      } catch {
        done(undefined);
      }
    });
    socket.on("error", () => done(undefined));
  });
}
