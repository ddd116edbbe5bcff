import { closeSync, openSync, rmSync } from "node:fs";
import { defaultStoreLocation, openStore } from "@goal-lease/sdk";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { claudeCode, codex } from "../agents/agent-dialect.js";
import { startAgentHost } from "../agents/agent-host.js";
import { boundedLines, requestIdIn } from "../agents/bounded-lines.js";
import type { AgentBridgeOptions } from "../agents/bridge/bridge-options.js";
import { codexQueue } from "../agents/codex-queue.js";
import { handleHookEvent } from "../agents/hook-relay.js";
import { hookSocketPath, serveHookSocket } from "../agents/hook-socket.js";
import { createMcpServer } from "../agents/mcp-server.js";
import { type CliIo, writeLine } from "../cli-io.js";
import { loadPrices } from "../prices-option.js";

/** The longest MCP message accepted; goal-lease's own tools take a few kilobytes. */
const maxMessageBytes = 1_048_576;

/**
 * `goal-lease mcp`: the goal-lease host for one coding-agent process, as an MCP server on stdio. Started by
 * the Claude Code or Codex plugin it also serves that agent process's hooks on a local socket. State is in
 * the CLI's store, shared with the agent's other processes, each serving its own sessions.
 */
export async function runMcp(io: CliIo, options: { store?: string; prices?: string }): Promise<void> {
  const prices = loadPrices(options.prices, io.env);
  const store = await openStore(options.store ?? defaultStoreLocation(io.env));
  // Codex's plugin says so in the server's environment; Claude Code marks every process it starts.
  const agent =
    io.env.GOAL_LEASE_AGENT === "codex" ? codex : io.env.CLAUDECODE === "1" ? claudeCode : undefined;
  const socketPath = agent ? hookSocketPath(agent.name, process.ppid) : undefined;
  // Claude Code runs the Stop hook that wakes an idle session only while this file says a goal here waits:
  // other Stops pay for no process (and `claude -p`, which runs that hook as an ordinary one, no wait).
  const waitsMarker = agent?.name === "claude" ? socketPath?.replace(/\.sock$/, ".waits") : undefined;
  const bridgeOptions: AgentBridgeOptions = {
    // `claude -p` continues its turn when a Stop hook exits 2, but nothing after a StopFailure.
    waitsFor: io.env.CLAUDE_CODE_ENTRYPOINT === "sdk-cli" ? (event) => event === "Stop" : undefined,
    queueMessage: agent?.name === "codex" ? codexQueue(io.env) : undefined,
    waits: waitsMarker
      ? (anyWaiting) => {
          if (anyWaiting) closeSync(openSync(waitsMarker, "a", 0o600));
          else rmSync(waitsMarker, { force: true });
        }
      : undefined,
  };
  let started: Awaited<ReturnType<typeof startAgentHost>>;
  try {
    started = await startAgentHost(store, agent, bridgeOptions, prices);
  } catch (error) {
    await store.close();
    throw error;
  }
  const { host, bridge } = started;
  const log = (line: string) => writeLine(io.stderr, line);
  const socket =
    agent && socketPath
      ? await serveHookSocket(socketPath, (event, gone) =>
          handleHookEvent(bridge, agent.name, event, log, gone),
        )
      : undefined;
  const hooks = agent ? (event: unknown) => handleHookEvent(bridge, agent.name, event, log) : undefined;
  const server = createMcpServer(() => host, bridge, io.env, hooks);
  const input = io.stdin.pipe(
    boundedLines(maxMessageBytes, (head) => {
      const error = {
        code: -32600,
        message: `Message too large: at most ${maxMessageBytes} bytes; it was dropped.`,
      };
      io.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id: requestIdIn(head), error })}\n`);
    }),
  );
  const transport = new StdioServerTransport(input, io.stdout);
  // The agent ends its server by closing stdin, or with SIGINT then SIGTERM (Claude Code waits 100 ms for
  // each before the next): either ends it at once, after cleanup, even with stdin still open.
  let removeInterrupt = () => {};
  const finished = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    io.stdin.once("end", resolve);
    io.stdin.once("close", resolve);
    const remove = io.onInterrupt(() => resolve());
    process.once("SIGTERM", resolve);
    removeInterrupt = () => {
      remove();
      process.off("SIGTERM", resolve);
    };
  });
  await server.connect(transport);
  await finished;
  removeInterrupt();
  await bridge.shutdown();
  socket?.close();
  if (socketPath) rmSync(socketPath, { force: true });
  if (waitsMarker) rmSync(waitsMarker, { force: true });
  await host.close();
  await store.close();
  // Nothing is read any more: an open stdin must not keep the process alive.
  io.stdin.unpipe(input);
  io.stdin.destroy();
}
