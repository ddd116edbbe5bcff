// The user stops a goal from Claude Code's interactive terminal, driven in a pseudo-terminal (`script`), with
// the plugin installed as users install it: `/goal-lease:goal pause` typed while a goal turn runs, with and
// without Esc first, leaves no further continuation and no further model request.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { check } from "../../../../test/checks.ts";
import { ensurePackage } from "../../../../test/tool-install.ts";
import { type SeenRequest, startAnthropicMock } from "./anthropic-mock.ts";
import { claudeCodeVersion } from "./claude-code.ts";
import { storedGoal } from "./stored-goals.ts";
import { openTerminal, sleep, type Terminal } from "./terminal.ts";

const statusTool = "mcp__plugin_goal-lease_goal__goal_status";
const apiKey = "sk-ant-test-0123456789abcdefghij";

export async function claudeCodeTerminalChecks(options: { clone: string; storePath: string }) {
  const claude = ensurePackage("@anthropic-ai/claude-code", claudeCodeVersion, "claude");
  // Waits and usage limits in the terminal, beside the stops below: Claude Code wakes the idle session.
  const waking = Promise.all([
    wakesInTerminal(claude, options, "wait"),
    wakesInTerminal(claude, options, "limit"),
  ]);
  for (const esc of [false, true]) {
    const how = esc ? "Esc, then /goal-lease:goal pause" : "/goal-lease:goal pause without Esc";
    const result = await stopDuringGoalTurn(claude, options, esc);
    const continuations = result.requests
      .filter((request) => request.kind === "continuation")
      .map((r) => r.continuation);
    check(
      `terminal, ${how}, typed during continuation 2: no continuation after it (continuations ${continuations})`,
      continuations.join() === "1,2",
      continuations,
    );
    check(
      `terminal, ${how}: no model request after the command was answered`,
      result.answered && result.requests.length === result.requestsWhenAnswered,
      { answered: result.answered, before: result.requestsWhenAnswered, after: result.requests.length },
    );
    check(
      `terminal, ${how}: continuations are not shown as a problem`,
      result.screen.includes("Goal continuation 2 of 6") && !result.screen.includes("reported a problem"),
      result.screen.slice(-400),
    );
    check(
      `terminal, ${how}: the goal is paused, and goal-lease's answer is on the screen`,
      result.status === "paused" && /(Goal paused|goal is paused)/.test(result.screen),
      { status: result.status, screen: result.screen.slice(-400) },
    );
    if (esc) {
      check(
        "terminal, Esc then pause: the person's pause, in the log and the answer (never a model error)",
        /Goal paused\./.test(result.screen) &&
          !/nothing to pause/.test(result.screen) &&
          result.reason === "the person interrupted a goal turn" &&
          result.gate === undefined,
        { reason: result.reason, gate: result.gate, screen: result.screen.slice(-300) },
      );
    }
  }
  const [wait, limit] = await waking;
  check(
    "terminal: a 20 s wait wakes the idle session by itself (asyncRewake), once, with no model request meanwhile",
    wait.continuations.join() === "1,2" && wait.requestsWhileWaiting === 0 && wait.status === "done",
    wait,
  );
  check(
    "terminal: a 429 Claude Code gives up on (retries off) makes the goal usage_limited, then resumes exactly once at the reset",
    limit.continuations.join() === "1,1" && limit.limitedSeen && limit.status === "done",
    limit,
  );
  console.log(
    `  figures: terminal wake latency ${wait.latencyMs} ms after a 20 s wait's end, ${limit.latencyMs} ms after a usage limit's reset (5 s)`,
  );
}

/**
 * A goal in the interactive terminal that waits 20 s (`wait`), or whose first request gets a 429 saying to try
 * again in 5 s with Claude Code's retries off (`limit`); then the model reports done.
 */
async function wakesInTerminal(
  claude: string,
  options: { clone: string; storePath: string },
  kind: "wait" | "limit",
) {
  const scratch = mkdtempSync(join(tmpdir(), "goal-lease-terminal-"));
  const home = join(scratch, "home");
  const folder = join(scratch, "project");
  for (const directory of [home, folder]) mkdirSync(directory);
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: "dark",
      customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
      projects: { [folder]: { hasTrustDialogAccepted: true, allowedTools: [] } },
    }),
  );
  const session = randomUUID();
  let refused = 0;
  let due = 0;
  const model = await startAnthropicMock((request: SeenRequest) => {
    if (request.kind === "tool-result") return { text: "ok" };
    if (request.kind !== "continuation") return { text: "ok" };
    if (kind === "limit" && refused++ === 0) {
      due = Date.now() + 5_000;
      const message = "Your usage limit is reached. Try again in 5 seconds.";
      return {
        error: { status: 429, body: { type: "error", error: { type: "rate_limit_error", message } } },
      };
    }
    if (kind === "wait" && request.continuation === 1) {
      due = Date.now() + 20_000;
      return { tool: statusTool, input: { status: "waiting", note: "CI", wait_seconds: 20 } };
    }
    return { tool: statusTool, input: { status: "done", note: "shipped" } };
  });
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    HOME: home,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${model.port}`,
    ANTHROPIC_API_KEY: apiKey,
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    CLAUDE_CODE_MAX_RETRIES: "0",
    GOAL_LEASE_STATE: options.storePath,
  };
  let terminal: Terminal | undefined;
  try {
    await command(claude, ["plugin", "marketplace", "add", options.clone], folder, env);
    await command(claude, ["plugin", "install", "goal-lease@goal-lease"], folder, env);
    terminal = openTerminal([claude, "--session-id", session, "--allowedTools", statusTool], {
      cwd: folder,
      env,
    });
    await terminal.until(/❯/, 30_000);
    await sleep(1_000);
    await terminal.type("/goal-lease:goal start ship after CI --max-turns 4");
    let limitedSeen = false;
    let requestsWhileWaiting = 0;
    const deadline = Date.now() + 60_000;
    for (; Date.now() < deadline; await sleep(250)) {
      const goal = await storedGoal(options.storePath, `claude:${session}`);
      if (goal?.status === "usage_limited") limitedSeen = true;
      if (goal?.status === "done") break;
    }
    const continuations = model.requests.filter((r) => r.kind === "continuation");
    const woke = continuations[1];
    requestsWhileWaiting = model.requests.filter(
      (r) => r.receivedAt > due - 19_000 && r.receivedAt < due,
    ).length;
    const goal = await storedGoal(options.storePath, `claude:${session}`);
    return {
      continuations: continuations.map((r) => r.continuation),
      requestsWhileWaiting: kind === "wait" ? requestsWhileWaiting : 0,
      limitedSeen,
      status: goal?.status,
      latencyMs: woke ? woke.receivedAt - due : undefined,
      screen: terminal.screen().slice(-300),
    };
  } finally {
    terminal?.close();
    await model.close();
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
  }
}

async function stopDuringGoalTurn(
  claude: string,
  options: { clone: string; storePath: string },
  esc: boolean,
) {
  const scratch = mkdtempSync(join(tmpdir(), "goal-lease-terminal-"));
  const home = join(scratch, "home");
  const folder = join(scratch, "project");
  for (const directory of [home, folder]) mkdirSync(directory);
  // What a user has after Claude Code's first run: onboarding done, this folder trusted, the key approved.
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: "dark",
      customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] },
      projects: { [folder]: { hasTrustDialogAccepted: true, allowedTools: [] } },
    }),
  );
  const session = randomUUID();
  let typing: Promise<void> | undefined;
  let terminal: Terminal | undefined;
  const model = await startAnthropicMock(async (request: SeenRequest) => {
    if (request.kind === "tool-result") return { text: "ok" };
    if (request.continuation === 2 && !typing) {
      // The user acts while this turn's model call is still running.
      typing = (async () => {
        await sleep(1_000);
        if (esc) {
          terminal?.press("\x1b");
          await sleep(700);
        }
        await terminal?.type("/goal-lease:goal pause");
      })();
      await typing;
      await sleep(1_500);
    }
    return { tool: statusTool, input: { status: "continue", note: `step ${request.continuation}` } };
  });
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    HOME: home,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${model.port}`,
    ANTHROPIC_API_KEY: apiKey,
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    GOAL_LEASE_STATE: options.storePath,
  };
  try {
    await command(claude, ["plugin", "marketplace", "add", options.clone], folder, env);
    await command(claude, ["plugin", "install", "goal-lease@goal-lease"], folder, env);
    terminal = openTerminal([claude, "--session-id", session, "--allowedTools", statusTool], {
      cwd: folder,
      env,
    });
    await terminal.until(/❯/, 30_000);
    await sleep(1_000);
    await terminal.type("/goal-lease:goal start polish the docs forever --max-turns 6");
    // Claude Code shows the hook's answer to the command as "... blocked by hook: <answer> Original prompt: ...".
    const answered = await terminal.until(
      /blocked by hook:.{0,300}Original prompt: \/goal-lease:goal pause/,
      60_000,
    );
    const requestsWhenAnswered = model.requests.length;
    await sleep(3_000);
    const stored = await storedGoal(options.storePath, `claude:${session}`);
    return {
      answered,
      requestsWhenAnswered,
      requests: [...model.requests],
      status: stored?.status,
      reason: stored?.statusReason,
      gate: stored?.statusGate,
      screen: terminal.screen(),
    };
  } finally {
    terminal?.close();
    await model.close();
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** A `claude` subcommand, asynchronously so this process's mock keeps answering. */
function command(claude: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(claude, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`claude ${args.join(" ")} exited ${code}: ${stderr}`)),
    );
  });
}
