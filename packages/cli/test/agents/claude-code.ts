// The goal-lease Claude Code plugin in the real Claude Code CLI, offline, against a scripted Messages API.
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { check } from "../../../../test/checks.ts";
import { ensurePackage } from "../../../../test/tool-install.ts";
import { type Script, type SeenRequest, startAnthropicMock } from "./anthropic-mock.ts";
import { perContinuation } from "./figures.ts";
import { serveGit } from "./git-http.ts";
import { checkFailure, flakyCheck, startReceiver, toldOnceDone } from "./goal-check.ts";
import { storedGoal } from "./stored-goals.ts";
import { sleep } from "./terminal.ts";

/** Waits (a bounded while) until `check` holds. */
async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
    if (await check()) return true;
  }
  return check();
}

export const claudeCodeVersion = "2.1.330";
const statusTool = "mcp__plugin_goal-lease_goal__goal_status";
const viewTool = "mcp__plugin_goal-lease_goal__goal_view";

interface ClaudeResult {
  code: number | null;
  output: { result?: string; num_turns?: number; session_id?: string; is_error?: boolean };
  stderr: string;
  /** When the process exited (ms since the epoch). */
  exitedAt: number;
}

/** What a `claude` subcommand printed. */
interface ClaudeOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The plugin installed the way users install it, from a fresh unbuilt clone (`clone`), into a fresh HOME:
 * `claude plugin marketplace add` from a git URL (Claude Code clones it and copies only the plugin's folder,
 * as it does from a forge) and from the clone's path, then `claude plugin install goal-lease@goal-lease`.
 */
export async function claudeCodeChecks(options: { clone: string; storePath: string }) {
  const claude = ensurePackage("@anthropic-ai/claude-code", claudeCodeVersion, "claude");
  const sessions = {
    finish: randomUUID(),
    cap: randomUUID(),
    inARow: randomUUID(),
    bystander: randomUUID(),
    clear: randomUUID(),
    forge: randomUUID(),
    path: randomUUID(),
    wait: randomUUID(),
    wakeEarly: randomUUID(),
    limited: randomUUID(),
    limitedAt: randomUUID(),
    three: randomUUID(),
    builtin: randomUUID(),
    checked: randomUUID(),
  };
  const pids = new Map<string, number>();
  const scratch = mkdtempSync(join(tmpdir(), "goal-lease-claude-"));
  const home = join(scratch, "home");
  const pathHome = join(scratch, "path-home");
  const folder = join(scratch, "project");
  for (const directory of [home, pathHome, folder]) mkdirSync(directory);

  const report = (status: string, note: string, extra: object = {}) => ({
    tool: statusTool,
    input: { status, note, ...extra },
  });
  /** A 429 the provider answers a usage limit with; `words` may say when to try again. */
  const limited = (words: string) => ({
    error: { status: 429, body: { type: "error", error: { type: "rate_limit_error", message: words } } },
  });
  const script: Script = (request) => {
    // The built-in /goal's evaluator asks in a session of its own: only the built-in goal's turns count.
    if (evaluates(request)) {
      const turns = model.of(sessions.builtin).filter((seen) => !evaluates(seen)).length;
      return {
        text: JSON.stringify(
          turns >= 3 ? { ok: true, reason: "three notes" } : { ok: false, reason: "more" },
        ),
      };
    }
    if (request.kind === "tool-result") return { text: `noted: ${request.toolResult?.slice(0, 200)}` };
    if (request.kind === "user") return { text: "hello back" };
    // Waits: one that wakes by itself (within its --time, which the wait does not spend), one woken early.
    if (request.session === sessions.wait || request.session === sessions.wakeEarly) {
      if (request.continuation > 1) return report("done", "CI is green");
      const seconds = request.session === sessions.wait ? 20 : 600;
      return report("waiting", "CI", { wait_seconds: seconds });
    }
    // Three-turn goals, ours and Claude Code's built-in /goal, with the same model: words for two turns,
    // then the third finishes (ours by goal_status done; the built-in's evaluator says the condition holds).
    if (request.session === sessions.three) {
      return request.continuation >= 3
        ? report("done", "three notes")
        : { text: `Wrote note ${request.continuation}.` };
    }
    if (request.session === sessions.builtin) {
      const turns = model.of(sessions.builtin).filter((seen) => !evaluates(seen)).length;
      if (!evaluates(request)) return { text: `Wrote note ${turns}.` };
      return {
        text: JSON.stringify(
          turns >= 3 ? { ok: true, reason: "three notes" } : { ok: false, reason: "more notes" },
        ),
      };
    }
    // A model that reports done every continuation; the person's check decides.
    if (request.session === sessions.checked) return report("done", `published, ${request.continuation}`);
    if (request.session === sessions.limited) return limited("Your usage limit is reached.");
    if (request.session === sessions.limitedAt)
      return limited("Your usage limit is reached. Try again in 90 seconds.");
    if (request.session === sessions.finish) {
      return request.continuation === 1
        ? report("continue", "drafted the notes")
        : report("done", "published");
    }
    // A model trying to report into another session's goal first, then reporting into its own.
    if (request.session === sessions.forge) {
      if (request.continuation > 1) return report("done", "filed");
      return {
        tool: statusTool,
        input: { status: "done", note: "forged", sessionKey: `claude:${sessions.cap}` },
      };
    }
    // A model that never stops: it works and ends each turn with words, never calling goal_status.
    if (request.session === sessions.cap || request.session === sessions.inARow)
      return { text: `Polished page ${request.continuation}.` };
    if (request.session === sessions.clear && request.continuation === 2)
      userTypes(sessions.clear, "/goal-lease:goal clear");
    return report("continue", `step ${request.continuation}`);
  };
  const model = await startAnthropicMock(script);
  // Claude Code's own commands need ANTHROPIC_BASE_URL too: without it each one waits on the network.
  const env = {
    ...process.env,
    // Hooks and the MCP server run `node`: the Node running this test (>= 22.13) comes first.
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    HOME: home,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${model.port}`,
    ANTHROPIC_API_KEY: "test",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    GOAL_LEASE_STATE: options.storePath,
    // A model the shipped price table knows ($3 / $15 per million input / output tokens).
    ANTHROPIC_MODEL: "claude-sonnet-4-5",
  };

  /** Any `claude` command, asynchronously, so this process's mock and git servers keep answering. */
  const claudeCommand = (args: string[], home_ = home) =>
    new Promise<ClaudeOutput>((resolve, reject) => {
      const child = spawn(claude, args, { cwd: folder, env: { ...env, HOME: home_ }, stdio: "pipe" });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      child.stdin.end();
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  /** One `claude -p` run in the shared folder, with the installed plugin. */
  const run = (session: string, prompt: string, resume = false, extra: string[] = [], runEnv = env) =>
    new Promise<ClaudeResult>((resolve, reject) => {
      const args = ["-p", prompt, "--output-format", "json", ...extra];
      args.push(resume ? "--resume" : "--session-id", session, "--allowedTools", `${statusTool},${viewTool}`);
      const child = spawn(claude, args, { cwd: folder, env: runEnv, stdio: ["ignore", "pipe", "pipe"] });
      if (child.pid) pids.set(session, child.pid);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        let output = {};
        try {
          output = JSON.parse(stdout);
        } catch {}
        resolve({ code, output, stderr, exitedAt: Date.now() });
      });
    });

  /**
   * The user types a command into a session while its turn runs: Claude Code runs the plugin's hook with the
   * prompt, exactly as this does, against that session's running Claude Code process.
   */
  function userTypes(session: string, prompt: string) {
    const event = { hook_event_name: "UserPromptSubmit", session_id: session, prompt };
    execFileSync(process.execPath, [join(installPath, "dist/hook.js")], {
      input: JSON.stringify(event),
      env: { ...env, CLAUDE_PID: String(pids.get(session)) },
    });
  }

  const goal = (session: string) => storedGoal(options.storePath, `claude:${session}`);
  /** A request of the built-in /goal's evaluator (a prompt-type Stop hook) rather than a turn. */
  const evaluates = (request: SeenRequest) => request.system.includes("evaluating a stop-condition hook");
  const kinds = (session: string) => model.of(session).map((request) => request.kind);

  const git = await serveGit(dirname(options.clone));
  let installPath = "";
  try {
    execFileSync("git", ["clone", "-q", "--bare", options.clone, `${options.clone}.git`]);
    const source = `${git.url}/goal-lease.git`;
    const added = await claudeCommand(["plugin", "marketplace", "add", source]);
    const installed = await claudeCommand(["plugin", "install", "goal-lease@goal-lease"]);
    check(
      "claude plugin marketplace add <git URL of a fresh clone> and plugin install goal-lease@goal-lease succeed",
      added.code === 0 && installed.code === 0,
      { added: added.stdout + added.stderr, installed: installed.stdout + installed.stderr },
    );
    const listed = await claudeCommand(["plugin", "list", "--json"]);
    const plugins = JSON.parse(listed.stdout || "[]") as Array<{
      id: string;
      installPath?: string;
      enabled?: boolean;
    }>;
    installPath = plugins.find((plugin) => plugin.id === "goal-lease@goal-lease")?.installPath ?? "";
    check(
      "the installed plugin is an enabled copy of the plugin's folder alone, in Claude Code's plugin cache",
      installPath.startsWith(join(home, ".claude/plugins/cache/")) &&
        plugins.some((plugin) => plugin.id === "goal-lease@goal-lease" && plugin.enabled),
      listed.stdout,
    );
    const servers = await claudeCommand(["mcp", "list"]);
    check(
      "claude mcp list: the installed plugin's MCP server connects",
      /plugin:goal-lease:goal: .*goal-lease\.js mcp - ✔ Connected/.test(servers.stdout),
      servers.stdout,
    );

    // From the clone's path, Claude Code reads the plugin in place: the unbuilt clone must work as it is.
    const byPath = await claudeCommand(["plugin", "marketplace", "add", options.clone], pathHome);
    const byPathInstalled = await claudeCommand(["plugin", "install", "goal-lease@goal-lease"], pathHome);
    const byPathServers = await claudeCommand(["mcp", "list"], pathHome);
    const byPathStatus = await claudeCommand(
      ["-p", "/goal-lease:goal status", "--output-format", "json", "--session-id", sessions.path],
      pathHome,
    );
    check(
      "from the fresh clone's path: installed, the MCP server connects and the hook answers /goal-lease:goal status",
      byPath.code === 0 &&
        byPathInstalled.code === 0 &&
        /plugin:goal-lease:goal: .* - ✔ Connected/.test(byPathServers.stdout) &&
        /No goal in this session/.test(byPathStatus.stdout) &&
        model.of(sessions.path).length === 0,
      { servers: byPathServers.stdout, status: byPathStatus.stdout, stderr: byPathStatus.stderr.slice(-300) },
    );

    // Waits, run beside the other checks: one wakes by itself after 20 s (its --time, 15 s, is not spent by
    // the wait), one is woken early from another shell. `claude -p` runs the background Stop hook that
    // wakes a session as an ordinary one, so the run stays open while its goal waits.
    const waited = run(sessions.wait, "/goal-lease:goal start ship after CI --max-turns 4 --time 15s");
    const wokenEarly = run(sessions.wakeEarly, "/goal-lease:goal start ship after CI --max-turns 4");
    const earlyWake = (async () => {
      await until(
        async () =>
          (await goal(sessions.wakeEarly))?.status === "waiting" && kinds(sessions.wakeEarly).length === 2,
      );
      await sleep(3_000);
      const cli = join(options.clone, "plugins/claude-code/dist/goal-lease.js");
      const at = Date.now();
      const answer = execFileSync(
        process.execPath,
        [cli, "wake", "--session", `claude:${sessions.wakeEarly}`],
        {
          env,
          encoding: "utf8",
        },
      );
      return { at, answer };
    })();

    // 1. start -> continue -> exactly one more turn -> done.
    const finished = await run(
      sessions.finish,
      "/goal-lease:goal start write the release notes --max-turns 5",
    );
    const first = model.of(sessions.finish)[0];
    check("claude -p exits 0 after the goal's turns", finished.code === 0, finished.stderr.slice(-400));
    check(
      "the start prompt's turn is continuation 1, with the objective and the goal tools",
      first?.continuation === 1 &&
        first.turnText.includes('Objective: "write the release notes"') &&
        first.tools.includes(statusTool) &&
        first.tools.includes(viewTool),
      first && { turn: first.turnText.slice(0, 400), tools: first.tools },
    );
    check(
      "goal_status continue -> the Stop hook continues once -> exactly one more turn -> done, whose result is never sent back (a closed goal costs no closing request)",
      kinds(sessions.finish).join() === "continuation,tool-result,continuation",
      kinds(sessions.finish),
    );
    const done = await goal(sessions.finish);
    check(
      "stored: done after 2 continuations, charged every request's usage as Claude Code recorded it (3 of 15 tokens), priced at its model ($0.000315)",
      done?.status === "done" &&
        done.continuations === 2 &&
        done.tokensUsed === 45 &&
        Math.abs((done.costUsd ?? 0) - 0.000315) < 1e-12 &&
        !done.unpricedTurns,
      done && {
        status: done.status,
        continuations: done.continuations,
        tokens: done.tokensUsed,
        costUsd: done.costUsd,
        unpriced: done.unpricedTurns,
      },
    );
    const status = await run(sessions.finish, "/goal-lease:goal status", true);
    check(
      "/goal-lease:goal status answers from the hook, without a model call",
      model.of(sessions.finish).length === 3 && /Status: done/.test(JSON.stringify(status)),
      status.output,
    );

    // 2 and 3. A model that never finishes stops at the cap while another session works in the same folder.
    const debugFile = join(scratch, "bystander-debug.txt");
    const [capped, bystander] = await Promise.all([
      run(sessions.cap, "/goal-lease:goal start polish the docs forever --max-turns 6"),
      run(sessions.bystander, "hello", false, ["--debug-file", debugFile]),
    ]);
    check(
      "a model that never reports goes on, one model request a turn, and stops at the goal's cap: 6 continuations",
      capped.code === 0 && kinds(sessions.cap).join() === Array(6).fill("continuation").join(),
      kinds(sessions.cap),
    );
    const cap = await goal(sessions.cap);
    check(
      "no goal turn charged 0 tokens: the capped goal is charged every request's usage (6 of 15 tokens)",
      cap?.tokensUsed === 15 * model.of(sessions.cap).length,
      { tokens: cap?.tokensUsed, requests: model.of(sessions.cap).length },
    );
    const capRequests = model.of(sessions.cap).map((request) => ({
      ...request,
      startsTurn: request.kind === "continuation",
    }));
    console.log(`  figures: ${perContinuation(capRequests)}`);
    check(
      "stored: the capped goal stopped at its limit, 6 of 6",
      cap?.status === "turn_limited" && cap.continuations === 6,
      cap?.status,
    );
    // Claude Code ends a turn after 8 hook continuations in a row without a tool call: the goal pauses
    // there, saying why, instead of being cut off with its continuation taken.
    const inARow = await run(
      sessions.inARow,
      "/goal-lease:goal start polish the docs forever --max-turns 12",
    );
    const paused = await goal(sessions.inARow);
    check(
      "past Claude Code's 8 continuations in a row without a tool call, the goal pauses and says why (9 continuations)",
      inARow.code === 0 &&
        kinds(sessions.inARow).length === 9 &&
        paused?.status === "paused" &&
        /CLAUDE_CODE_STOP_HOOK_BLOCK_CAP/.test(paused.statusReason ?? "") &&
        !/overriding and ending turn/.test(JSON.stringify(inARow.output)),
      { kinds: kinds(sessions.inARow).length, status: paused?.status, reason: paused?.statusReason },
    );
    check(
      "the /goal-lease:goal command is the user's alone: not listed to the model in an ordinary session",
      model.of(sessions.bystander)[0]?.turnText.includes("goal-lease:goal") === false,
      model.of(sessions.bystander)[0]?.turnText.slice(0, 2_000),
    );
    const shutdown = readFileSync(debugFile, "utf8");
    const lastAnswer = model.of(sessions.bystander).at(-1)?.answeredAt ?? bystander.exitedAt;
    console.log(`  figures: claude -p exited ${bystander.exitedAt - lastAnswer} ms after its last answer`);
    // Claude Code logs the clean exit only when it is still there to see it; on a busy machine it may exit
    // first. What must never show is its escalation: SIGINT ignored, then SIGTERM or a kill.
    check(
      "claude -p with the plugin: goal-lease mcp exits on Claude Code's SIGINT (no SIGTERM, no kill)",
      /MCP server "plugin:goal-lease:goal": (MCP server process exited cleanly|Sending SIGINT)/.test(
        shutdown,
      ) && !/SIGINT failed, sending SIGTERM|SIGTERM failed|SIGKILL/.test(shutdown),
      shutdown.split("\n").filter((line) => /plugin:goal-lease:goal.*(SIG|exited)/.test(line)),
    );
    check(
      "another session in the same folder is never blocked: one request, its own answer, no goal",
      bystander.code === 0 &&
        kinds(sessions.bystander).join() === "user" &&
        bystander.output.result === "hello back" &&
        (await goal(sessions.bystander)) === undefined,
      { kinds: kinds(sessions.bystander), result: bystander.output.result },
    );

    // A goal_status call whose arguments name another session is refused.
    await run(sessions.forge, "/goal-lease:goal start file the report --max-turns 3");
    const forged = model.of(sessions.forge).find((request) => request.kind === "tool-result");
    check(
      "goal_status with a sessionKey argument is refused as an error the model sees",
      /Unrecognized key: \\?"sessionKey\\?"/.test(forged?.toolResult ?? ""),
      forged?.toolResult,
    );
    check(
      "the other session's goal is unchanged; this session's goal is done on its own report",
      (await goal(sessions.cap))?.status === "turn_limited" &&
        (await goal(sessions.forge))?.status === "done",
      kinds(sessions.forge),
    );

    // The person's check decides the model's "done" (it runs in the plugin's process, and the Stop waits for
    // it), and the person is told once the goal stops, by the process that owns it.
    const receiver = await startReceiver();
    try {
      const checkCommand = flakyCheck(folder);
      const checkedRun = await run(
        sessions.checked,
        `/goal-lease:goal start publish the notes --max-turns 4 --check ${JSON.stringify(checkCommand)} --notify ${receiver.url}`,
      );
      const checkedGoal = await goal(sessions.checked);
      const checkedTurns = model.of(sessions.checked).filter((request) => request.kind === "continuation");
      check(
        "--check: the model's done waits on the person's check; one that fails once continues the turn once more, then passes: done after 2 continuations",
        checkedRun.code === 0 &&
          checkedTurns.length === 2 &&
          checkedGoal?.status === "done" &&
          checkedGoal.continuations === 2 &&
          checkedGoal.check?.runs === 2 &&
          checkedGoal.check.failures === 1,
        {
          kinds: kinds(sessions.checked),
          status: checkedGoal?.status,
          reason: checkedGoal?.statusReason,
          check: checkedGoal?.check,
          stderr: checkedRun.stderr.slice(-400),
        },
      );
      check(
        "--check: the continuation after the failed check tells the model what the check printed",
        checkedTurns[1]?.turnText.includes(checkFailure) === true,
        checkedTurns[1]?.turnText.slice(0, 1_000),
      );
      await until(async () => receiver.told.length > 0, 15_000);
      await sleep(1_000);
      check(
        "--notify: the person is told once, with the stop (done) and a delivery id",
        toldOnceDone(receiver.told, `claude:${sessions.checked}`),
        receiver.told.map((entry) => entry.body.slice(0, 300)),
      );
    } finally {
      receiver.close();
    }

    // 4. The user clears the goal while a goal turn runs: the next Stop does not block.
    const cleared = await run(sessions.clear, "/goal-lease:goal start refactor everything --max-turns 6");
    check(
      "a clear from the user stops the next block: 2 continuations of 6",
      cleared.code === 0 && model.of(sessions.clear).filter((r) => r.kind === "continuation").length === 2,
      kinds(sessions.clear),
    );
    check("stored: the cleared goal stays cleared", (await goal(sessions.clear))?.status === "cleared");

    // A three-turn goal, ours against Claude Code's built-in /goal, one after the other on the same model.
    await run(sessions.three, "/goal-lease:goal start write three release notes --max-turns 5");
    const builtinStart = Date.now();
    await run(sessions.builtin, "/goal write three release notes");
    const three = model.of(sessions.three);
    const builtin = model.requests.filter(
      (request) =>
        request.session === sessions.builtin || (evaluates(request) && request.receivedAt >= builtinStart),
    );
    const threeGoal = await goal(sessions.three);
    check(
      "a three-turn goal costs exactly its three requests (no closing request), charged 45 tokens",
      three.length === 3 &&
        threeGoal?.status === "done" &&
        threeGoal.continuations === 3 &&
        threeGoal.tokensUsed === 45,
      { requests: three.length, status: threeGoal?.status, tokens: threeGoal?.tokensUsed },
    );
    const kb = (requests: SeenRequest[]) => Math.round(requests.reduce((sum, r) => sum + r.bytes, 0) / 1024);
    /** The median time from a turn's answer to the next turn's request (the built-in's evaluator is between). */
    const turnGaps = (requests: SeenRequest[], startsTurn: (r: SeenRequest) => boolean) => {
      const turns = requests.filter(startsTurn);
      const gaps = turns.slice(1).map((turn, index) => turn.receivedAt - (turns[index]?.answeredAt ?? 0));
      return [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
    };
    console.log(
      `  figures: three-turn goal: goal-lease ${three.length} requests, ${kb(three)} KB, turn gap ${turnGaps(three, () => true)} ms (median); ` +
        `built-in /goal ${builtin.length} requests (${builtin.filter(evaluates).length} evaluator), ${kb(builtin)} KB, turn gap ${turnGaps(builtin, (r) => !evaluates(r))} ms`,
    );

    // A usage limit Claude Code gives up on (retries off): the goal is usage_limited at once, visibly, with
    // the retry time the provider's words gave, else the first step of the back-off (1 minute).
    const noRetries = { ...env, CLAUDE_CODE_MAX_RETRIES: "0" };
    const [limitedRun, limitedAtRun] = await Promise.all([
      run(sessions.limited, "/goal-lease:goal start ship it --max-turns 4", false, [], noRetries),
      run(sessions.limitedAt, "/goal-lease:goal start ship it --max-turns 4", false, [], noRetries),
    ]);
    const [usage, usageAt] = [await goal(sessions.limited), await goal(sessions.limitedAt)];
    const retryIn = (g: typeof usage, at: number) => Math.round(((g?.wakeAt ?? 0) - at) / 1_000);
    check(
      "a 429 Claude Code gives up on: usage_limited at once, retried after the back-off's first minute",
      usage?.status === "usage_limited" &&
        usage.continuations === 0 &&
        Math.abs(retryIn(usage, limitedRun.exitedAt) - 60) <= 3,
      { status: usage?.status, retryIn: retryIn(usage, limitedRun.exitedAt), reason: usage?.statusReason },
    );
    check(
      "a 429 whose words give a reset time: usage_limited until then (90 s)",
      usageAt?.status === "usage_limited" && Math.abs(retryIn(usageAt, limitedAtRun.exitedAt) - 90) <= 3,
      { status: usageAt?.status, retryIn: retryIn(usageAt, limitedAtRun.exitedAt) },
    );

    // The waits started at the beginning.
    const [waitRun, earlyRun, early] = await Promise.all([waited, wokenEarly, earlyWake]);
    const waitRequests = model.of(sessions.wait);
    const waitGoal = await goal(sessions.wait);
    const wakeAt = (waitRequests[0]?.answeredAt ?? 0) + 20_000;
    const woke = waitRequests[2];
    check(
      "a 20 s wait wakes by itself, once, with no model request meanwhile, and its --time 15s unspent by it",
      waitRun.code === 0 &&
        kinds(sessions.wait).join() === "continuation,tool-result,continuation" &&
        woke?.continuation === 2 &&
        woke.receivedAt >= wakeAt - 1_000 &&
        waitGoal?.status === "done" &&
        waitGoal.continuations === 2,
      { kinds: kinds(sessions.wait), status: waitGoal?.status, reason: waitGoal?.statusReason },
    );
    const earlyRequests = model.of(sessions.wakeEarly);
    const earlyGoal = await goal(sessions.wakeEarly);
    check(
      "a wait woken early from another shell (goal-lease wake): the continuation runs now, once",
      earlyRun.code === 0 &&
        /runs now/.test(early.answer) &&
        kinds(sessions.wakeEarly).join() === "continuation,tool-result,continuation" &&
        earlyGoal?.status === "done",
      { answer: early.answer, kinds: kinds(sessions.wakeEarly), status: earlyGoal?.status },
    );
    console.log(
      `  figures: wake latency ${(woke?.receivedAt ?? 0) - wakeAt} ms after the wait's end (20 s wait), ` +
        `${(earlyRequests[2]?.receivedAt ?? 0) - early.at} ms after goal-lease wake; 0 requests while waiting`,
    );
  } finally {
    await model.close();
    await git.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
