// End-to-end check against the real Codex CLI: `codex exec` talks to a scripted Responses API mock and
// runs `goal-lease mcp` as its MCP server; the model calls goal_view, then goal_status, then answers.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { check } from "../../../../test/checks.ts";
import { ensurePackage } from "../../../../test/tool-install.ts";
import { codexConfig } from "./codex-config.ts";
import {
  type InputItem,
  outputText,
  type RecordedRequest,
  type Reply,
  startResponsesMock,
} from "./responses-mock.ts";

export const codexVersion = "0.169.0";
const timeoutMs = 60_000;
/** Codex shows the tools of `[mcp_servers.goal]` to the model as this namespace tool. */
const namespace = "mcp__goal";

export interface CodexRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: Array<Record<string, unknown>>;
  stderr: string;
}

export async function codexChecks(options: { entry: string; storePath: string }): Promise<void> {
  const codex = ensurePackage("@openai/codex", codexVersion, "codex");
  const script: Reply[] = [
    { call: { namespace, name: "goal_view", arguments: {} } },
    { call: { namespace, name: "goal_status", arguments: { status: "continue", note: "checked in" } } },
    { text: "done" },
  ];
  const mock = await startResponsesMock((_request, index) => script[index] ?? { text: "no more script" });
  const root = mkdtempSync(join(tmpdir(), "goal-lease-codex-"));
  try {
    const codexHome = join(root, "codex-home");
    const home = join(root, "home");
    const cwd = join(root, "work");
    for (const directory of [codexHome, home, cwd]) mkdirSync(directory);
    writeFileSync(join(codexHome, "config.toml"), codexConfig(mock.baseUrl, goalServer(options)));

    const run = await runCodex(codex, ["Check on this session's goal, then report that you checked in."], {
      cwd,
      env: {
        CODEX_HOME: codexHome,
        MOCK_API_KEY: "test",
        HOME: home,
        PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
      },
    });
    const responses = mock.requests.filter((request) => request.reply);
    const thread = run.events.find((event) => event.type === "thread.started")?.thread_id;
    const session = `codex:${String(thread)}`;

    check("codex: exec exits 0", run.code === 0, { code: run.code, signal: run.signal, stderr: run.stderr });
    check("codex: --json reports the thread id (thread.started)", typeof thread === "string", run.events);

    const tools = responses[0]?.body.tools ?? [];
    const goalTools = tools.find((tool) => tool.type === "namespace" && tool.name === namespace)?.tools ?? [];
    const names = goalTools.map((tool) => tool.name);
    check(
      `codex: the model sees namespace ${namespace} with goal_status and goal_view`,
      names.includes("goal_status") && names.includes("goal_view"),
      tools.map((tool) =>
        tool.tools ? `${tool.name}[${tool.tools.map((t) => t.name)}]` : (tool.name ?? tool.type),
      ),
    );

    const view = toolOutput(responses, 0);
    check(
      `codex: goal_view output reaches the model and names the thread's session (${session})`,
      view?.includes(`No goal in session ${session}.`) === true,
      view,
    );

    const status = toolOutput(responses, 1);
    check(
      "codex: goal_status makes the round trip and names the same session",
      status?.includes(`(session ${session})`) === true,
      status,
    );

    check("codex: exactly 3 model requests", responses.length === 3, {
      requests: mock.requests.map((request) => `${request.method} ${request.url}`),
      replies: responses.map((request) => request.reply),
    });
  } finally {
    await mock.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function goalServer(options: { entry: string; storePath: string }): string {
  const toml = (value: string) => JSON.stringify(value);
  return `[mcp_servers.goal]
command = ${toml(process.execPath)}
args = [${toml(options.entry)}, "mcp"]
env = { GOAL_LEASE_STATE = ${toml(options.storePath)} }
default_tools_approval_mode = "approve"
`;
}

/**
 * The text of the `function_call_output` answering the call the mock sent in reply to request `index`,
 * as the later request carrying it shows it; undefined if it never came back.
 */
function toolOutput(requests: RecordedRequest[], index: number): string | undefined {
  const callId = requests[index]?.reply?.call_id;
  const later = requests.slice(index + 1).flatMap((request) => request.body.input ?? []);
  const output = later.find(
    (item: InputItem) => item.type === "function_call_output" && item.call_id === callId,
  );
  return callId === undefined || output === undefined ? undefined : outputText(output.output);
}

/** Runs `codex exec --json [args]` with stdin closed, killing its process group after the timeout. */
export function runCodex(codex: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<CodexRun>((resolve, reject) => {
    const child = spawn(codex, ["exec", "--skip-git-repo-check", "--json", ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs / 1000}s]`;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, events: parseJsonLines(stdout), stderr });
    });
  });
}

function parseJsonLines(text: string): Array<Record<string, unknown>> {
  return text.split("\n").flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return value && typeof value === "object" ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}
