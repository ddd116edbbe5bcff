// Starts the real OpenClaw gateway on a fresh state directory, with the plugin installed by OpenClaw's own
// installer from the packed tarball, and talks to it over its WebSocket protocol.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface GatewayOptions {
  openclaw: string;
  /** The packed @goal-lease/openclaw tarball, as users install it. */
  tarball: string;
  modelPort: number;
  pluginConfig?: Record<string, unknown>;
  /** Variables for the gateway's environment, as a person sets them before starting it. */
  env?: Record<string, string>;
}

export interface HistoryMessage {
  role: string;
  content: string | { type?: string; text?: string; name?: string }[];
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function configFor(options: GatewayOptions, stateDir: string, port: number, token: string) {
  return {
    gateway: { mode: "local", port, bind: "loopback", auth: { mode: "token", token } },
    logging: { file: join(stateDir, "openclaw.log") },
    models: {
      mode: "replace",
      providers: {
        mock: {
          baseUrl: `http://127.0.0.1:${options.modelPort}/v1`,
          apiKey: "mock-key",
          api: "openai-completions",
          models: [
            {
              id: "mock-1",
              name: "Mock",
              reasoning: false,
              input: ["text"],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 128000,
              maxTokens: 4096,
            },
          ],
        },
      },
    },
    // Heartbeats must be enabled for wakes to run; "24h" keeps the scheduled ones out of the test.
    agents: { defaults: { model: { primary: "mock/mock-1" }, heartbeat: { every: "24h" } } },
    tools: { toolSearch: false },
  };
}

/** What the README tells users to set after installing: the run hooks the plugin needs, and its limits. */
function pluginSettings(options: GatewayOptions) {
  return {
    plugins: {
      allow: ["goal-lease"],
      entries: {
        "goal-lease": {
          hooks: { allowConversationAccess: true },
          ...(options.pluginConfig ? { config: options.pluginConfig } : {}),
        },
      },
    },
  };
}

/**
 * `openclaw plugins install <tarball>` and `openclaw config patch`, as a user runs them (the installer asks
 * before installing from a file; these flags are the answers a person gives at the prompt).
 */
function installPlugin(options: GatewayOptions, env: NodeJS.ProcessEnv): string {
  const openclaw = (args: string[], input?: string) => {
    const result = spawnSync(process.execPath, [options.openclaw, ...args], { env, input, encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`openclaw ${args.join(" ")} failed: ${(result.stderr || result.stdout).slice(-600)}`);
    }
    return result.stdout;
  };
  const installed = openclaw(["plugins", "install", options.tarball, "--force", "--accept-capabilities"], "");
  openclaw(["config", "patch", "--stdin"], JSON.stringify(pluginSettings(options)));
  return installed;
}

/** A running gateway: `call` sends one RPC, `stop` ends it (SIGKILL after 10 s: a busy gateway drains for minutes). */
export async function startGateway(options: GatewayOptions) {
  const stateDir = mkdtempSync(join(tmpdir(), "goal-lease-openclaw-"));
  const home = join(stateDir, "home");
  mkdirSync(home);
  const port = await freePort();
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  writeFileSync(
    join(stateDir, "openclaw.json"),
    JSON.stringify(configFor(options, stateDir, port, token), null, 2),
  );
  const env = { ...process.env, ...options.env, OPENCLAW_STATE_DIR: stateDir, HOME: home, NO_COLOR: "1" };
  const installed = installPlugin(options, env);
  const log = openSync(join(stateDir, "gateway.log"), "w");
  const child: ChildProcess = spawn(process.execPath, [options.openclaw, "gateway", "run"], {
    env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const stop = async () => {
    const signal = (name: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, name);
      } catch {}
    };
    signal("SIGTERM");
    for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    if (!exited) signal("SIGKILL");
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
  };
  try {
    const started = Date.now();
    while (
      !(await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (exited) throw new Error(`the gateway exited during startup; see ${join(stateDir, "gateway.log")}`);
      if (Date.now() - started > 120_000)
        throw new Error(`the gateway was not ready in 120 s; see ${stateDir}`);
      await sleep(250);
    }
    const rpc = await connect(port, token);
    return {
      stateDir,
      installed,
      rpc,
      stop: async () => {
        rpc.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The gateway's operator protocol: token auth on loopback needs no device identity. */
function connect(port: number, token: string) {
  return new Promise<{ call: <T>(method: string, params: object) => Promise<T>; close: () => void }>(
    (resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`);
      const pending = new Map<string, { resolve(value: unknown): void; reject(error: Error): void }>();
      let next = 0;
      const call = <T>(method: string, params: object) =>
        new Promise<T>((resolveCall, rejectCall) => {
          const id = String(++next);
          pending.set(id, { resolve: resolveCall as (value: unknown) => void, reject: rejectCall });
          socket.send(JSON.stringify({ type: "req", id, method, params }));
        });
      socket.onerror = () => reject(new Error("could not connect to the gateway"));
      socket.onmessage = async (message) => {
        const frame = JSON.parse(String(message.data));
        if (frame.type === "event" && frame.event === "connect.challenge") {
          const client = { id: "cli", version: "0.0.0", platform: "linux", mode: "cli" };
          const hello = {
            minProtocol: 4,
            maxProtocol: 4,
            client,
            role: "operator",
            caps: [],
            auth: { token },
          };
          await call("connect", { ...hello, scopes: ["operator.read", "operator.write"] }).then(
            () => resolve({ call, close: () => socket.close() }),
            reject,
          );
        } else if (frame.type === "res") {
          const waiting = pending.get(frame.id);
          pending.delete(frame.id);
          if (frame.ok) waiting?.resolve(frame.payload);
          else waiting?.reject(new Error(JSON.stringify(frame.error)));
        }
      };
    },
  );
}
