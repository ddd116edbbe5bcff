import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliBin } from "../../../../test/cli-bin.ts";
import { createTestIo } from "../../test/test-io.js";
import { hookSocketPath } from "../agents/hook-socket.js";
import { runMcp } from "./mcp.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** `goal-lease mcp` in-process on a fresh store, answering JSON-RPC lines written to its stdin. */
function startServer() {
  const directory = mkdtempSync(join(tmpdir(), "goal-lease-mcp-"));
  directories.push(directory);
  const test = createTestIo({});
  const finished = runMcp(test.io, { store: join(directory, "state.db") });
  const send = (message: object | string) =>
    test.stdin.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);
  const replies = () =>
    test
      .stdout()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: unknown; result?: unknown; error?: { message: string } });
  const reply = async (id: unknown) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const found = replies().find((message) => message.id === id);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no reply to ${String(id)}: ${test.stdout()}`);
  };
  const stop = () => {
    test.stdin.end();
    return finished;
  };
  return { send, reply, stop };
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "0" } },
};

describe("goal-lease mcp", () => {
  it("refuses a message over its size limit with an error and keeps serving", async () => {
    const server = startServer();
    server.send(initialize);
    await server.reply(1);
    server.send({ jsonrpc: "2.0", method: "notifications/initialized" });

    const huge = {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/list",
      params: { padding: "x".repeat(11 * 1_048_576) },
    };
    server.send(huge);
    expect((await server.reply(2)).error?.message).toMatch(/^Message too large: at most 1048576 bytes/);

    server.send({ jsonrpc: "2.0", id: 3, method: "tools/list", params: {} });
    const tools = (await server.reply(3)).result as { tools: { name: string }[] };
    expect(tools.tools.map((tool) => tool.name).sort()).toEqual(["goal_status", "goal_view"]);
    await server.stop();
  });
});

describe("the goal-lease mcp process", () => {
  // Claude Code ends an MCP server it started with SIGINT, then SIGTERM, then SIGKILL, 100 ms and 400 ms
  // apart, while its end of stdin may still be open: each signal alone ends the server, after cleanup.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`exits on ${signal} after cleanup, its stdin still open`, async () => {
      const directory = mkdtempSync(join(tmpdir(), "goal-lease-mcp-"));
      directories.push(directory);
      const child = spawn(process.execPath, [cliBin(), "mcp", "--store", join(directory, "state.db")], {
        env: { ...process.env, CLAUDECODE: "1" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal })),
      );
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
      });
      child.stdin.write(`${JSON.stringify(initialize)}\n`);
      while (!stdout.includes('"id":1')) await new Promise((resolve) => setTimeout(resolve, 20));
      // The server of one Claude Code process (this test's) also serves its hooks on a socket.
      const socket = hookSocketPath("claude", process.pid);
      expect(existsSync(socket)).toBe(true);
      child.kill(signal);
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(existsSync(socket)).toBe(false);
      child.stdin.destroy();
    });
  }
});
