// The goal loop inside the real Codex CLI: the goal-lease plugin installed from a fresh clone with
// `codex plugin marketplace add` and `codex plugin add`, driven by `codex exec` against a scripted
// Responses API. Goal commands are typed as users type them ($goal-lease ...).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { check } from "../../../../test/checks.ts";
import { ensurePackage } from "../../../../test/tool-install.ts";
import { type CodexRun, codexVersion, runCodex } from "./codex.ts";
import { codexConfig, pluginToolsApproved } from "./codex-config.ts";
import { perContinuation } from "./figures.ts";
import { checkFailure, flakyCheck, startReceiver, toldOnceDone } from "./goal-check.ts";
import {
  type InputItem,
  outputText,
  type RecordedRequest,
  type Reply,
  startResponsesMock,
} from "./responses-mock.ts";
import { storedGoal } from "./stored-goals.ts";

/** A plugin's MCP server `goal` is shown to the model as this namespace tool. */
const namespace = "mcp__goal";
const objectives = {
  finish: "write the release notes",
  cap: "polish the docs forever",
  forge: "file the report",
  budget: "count every token",
  checked: "publish the checked notes",
};

export async function codexPluginChecks(options: { clone: string; storePath: string }): Promise<void> {
  const codex = ensurePackage("@openai/codex", codexVersion, "codex");
  const threads: Partial<Record<keyof typeof objectives, string>> = {};
  const report = (status: string, note: string, extra: object = {}): Reply => ({
    call: { namespace, name: "goal_status", arguments: { status, note, ...extra } },
  });
  // Each request carries its whole thread, so the objective in it says which goal's model this is.
  const script = (request: RecordedRequest): Reply => {
    const input = request.body.input ?? [];
    const thread = JSON.stringify(input);
    const last = input.at(-1);
    const answered = last?.type === "function_call_output" ? outputText(last.output) : undefined;
    if (thread.includes(objectives.forge)) {
      // A model reporting into another thread's goal first, then into its own.
      if (answered === undefined) return report("done", "forged", { sessionKey: `codex:${threads.cap}` });
      return /Unrecognized key/.test(answered) ? report("done", "filed") : { text: "filed" };
    }
    if (answered !== undefined) return { text: `noted: ${answered.slice(0, 100)}` };
    if (thread.includes(objectives.finish)) {
      return goalCalls(input) === 0 ? report("continue", "drafted") : report("done", "published");
    }
    // A model that never stops: it works and ends each turn with words, never calling goal_status.
    if (thread.includes(objectives.cap)) {
      return { text: `Polished part ${thread.match(/Goal continuation \d+ of/g)?.length ?? 0}.` };
    }
    // A model that reports done every continuation; the person's check decides.
    if (thread.includes(objectives.checked)) return report("done", "published");
    if (thread.includes(objectives.budget)) return report("continue", `step ${goalCalls(input) + 1}`);
    return { text: "hello back" };
  };
  const model = await startResponsesMock(script);
  const root = mkdtempSync(join(tmpdir(), "goal-lease-codex-plugin-"));
  try {
    const codexHome = join(root, "codex-home");
    const home = join(root, "home");
    const cwd = join(root, "work");
    for (const directory of [codexHome, home, cwd]) mkdirSync(directory);
    writeFileSync(join(codexHome, "config.toml"), codexConfig(model.baseUrl, pluginToolsApproved));
    // The person's own price for Codex's model ("mock-model"): $1,000 / $2,000 per million input / output
    // tokens, so each of the mock's 10 + 5 token responses costs $0.02.
    const prices = join(root, "prices.json");
    writeFileSync(
      prices,
      JSON.stringify({ asOf: "2026-12-01", models: { "mock-model": { input: 1_000, output: 2_000 } } }),
    );
    const env = {
      CODEX_HOME: codexHome,
      HOME: home,
      MOCK_API_KEY: "test",
      GOAL_LEASE_STATE: options.storePath,
      GOAL_LEASE_PRICES: prices,
      PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
    };
    const plugin = (...args: string[]) =>
      execFileSync(codex, ["plugin", ...args], { env, cwd, encoding: "utf8", timeout: 60_000 });

    plugin("marketplace", "add", options.clone);
    plugin("add", "goal-lease@goal-lease");
    const listed = plugin("list");
    check(
      "codex: `codex plugin marketplace add <clone>` and `codex plugin add goal-lease@goal-lease` install it",
      /goal-lease@goal-lease\s+installed/.test(listed),
      listed,
    );

    // Hooks run once the user trusts them (Codex asks at startup); this flag is that consent for a test.
    const exec = (args: string[]) =>
      runCodex(codex, ["--dangerously-bypass-hook-trust", ...args], { cwd, env });
    const requestsOf = (objective: string) =>
      model.requests.filter(
        (request) => request.reply && JSON.stringify(request.body.input).includes(objective),
      );

    // start -> one continuation -> done, with Codex's own token usage.
    const finished = await exec([`$goal-lease start ${objectives.finish} --max-turns 5`]);
    threads.finish = threadOf(finished);
    const finish = await goal(options.storePath, threads.finish);
    check("codex: exec exits 0 after the goal's turns", finished.code === 0, finished.stderr.slice(-400));
    check(
      "codex: start runs the goal, goal_status continue -> exactly one continuation -> done (4 model requests)",
      requestsOf(objectives.finish).length === 4 && finish?.status === "done" && finish.continuations === 2,
      {
        requests: requestsOf(objectives.finish).length,
        status: finish?.status,
        turns: finish?.continuations,
      },
    );
    check(
      "codex: the goal's tokens are Codex's recorded usage (4 responses of 15 tokens), priced at its model ($0.02 each)",
      finish?.tokensUsed === 60 && Math.abs((finish.costUsd ?? 0) - 0.08) < 1e-9 && !finish.unpricedTurns,
      { tokens: finish?.tokensUsed, costUsd: finish?.costUsd, unpriced: finish?.unpricedTurns },
    );
    const before = model.requests.length;
    const status = await exec(["resume", threads.finish, "$goal-lease status"]);
    check(
      "codex: $goal-lease status is answered by the hook, with no model request",
      status.code === 0 && model.requests.length === before,
      { code: status.code, requests: model.requests.length - before },
    );
    const cli = execFileSync(
      process.execPath,
      [
        join(options.clone, "plugins/claude-code/dist/goal-lease.js"),
        "status",
        "--session",
        `codex:${threads.finish}`,
      ],
      { env, encoding: "utf8" },
    );
    check(
      "codex: `goal-lease status --session codex:<thread>` shows the goal done",
      /Status: done/.test(cli),
      cli,
    );

    // A model that never reports stops at exactly the cap, while another thread in the folder works.
    const [capped, bystander] = await Promise.all([
      exec([`$goal-lease start ${objectives.cap} --max-turns 3`]),
      exec(["hello"]),
    ]);
    threads.cap = threadOf(capped);
    const cap = await goal(options.storePath, threads.cap);
    const capTurns = requestsOf(objectives.cap).filter((request) => !endsWithOutput(request)).length;
    check(
      "codex: a model that never reports runs exactly 3 turns, one model request each, then Codex stops",
      capped.code === 0 &&
        capTurns === 3 &&
        requestsOf(objectives.cap).length === 3 &&
        cap?.status === "turn_limited" &&
        cap.continuations === 3,
      { code: capped.code, turns: capTurns, status: cap?.status, continuations: cap?.continuations },
    );
    const capRequests = requestsOf(objectives.cap).map((request) => ({
      ...request,
      startsTurn: !endsWithOutput(request),
    }));
    console.log(`  figures: ${perContinuation(capRequests)}`);
    const bystanderThread = threadOf(bystander);
    check(
      "codex: another thread at the same time gets one request, its own answer, and no goal",
      bystander.code === 0 &&
        model.requests.filter(
          (request) => request.reply && JSON.stringify(request.body.input).includes('"hello"'),
        ).length === 1 &&
        (await goal(options.storePath, bystanderThread)) === undefined,
      bystander.stderr.slice(-300),
    );

    // Codex's own usage spends the token budget: 2 responses of 15 tokens a turn, so 50 tokens last 2 turns.
    const budgeted = await exec([`$goal-lease start ${objectives.budget} --budget 50 --max-turns 9`]);
    const budget = await goal(options.storePath, threadOf(budgeted));
    const budgetTurns = requestsOf(objectives.budget).filter((request) => !endsWithOutput(request)).length;
    check(
      "codex: the token budget holds on Codex's usage: 2 turns (60 of 50 tokens), then Codex stops",
      budgeted.code === 0 &&
        budgetTurns === 2 &&
        budget?.status === "budget_limited" &&
        budget.tokensUsed === 60,
      { turns: budgetTurns, status: budget?.status, tokens: budget?.tokensUsed },
    );

    // The person's check decides the model's done (the Stop waits for it), and the person is told once.
    const receiver = await startReceiver();
    try {
      const checkCommand = flakyCheck(cwd);
      const checkedRun = await exec([
        `$goal-lease start ${objectives.checked} --max-turns 4 --check ${JSON.stringify(checkCommand)} --notify ${receiver.url}`,
      ]);
      const checked = await goal(options.storePath, threadOf(checkedRun));
      const checkedTurns = requestsOf(objectives.checked).filter((request) => !endsWithOutput(request));
      check(
        "codex: --check: a check that fails once continues the turn once more, then passes: done after 2 continuations",
        checkedRun.code === 0 &&
          checkedTurns.length === 2 &&
          checked?.status === "done" &&
          checked.continuations === 2 &&
          checked.check?.runs === 2 &&
          checked.check.failures === 1,
        {
          code: checkedRun.code,
          turns: checkedTurns.length,
          status: checked?.status,
          reason: checked?.statusReason,
          check: checked?.check,
          stderr: checkedRun.stderr.slice(-400),
        },
      );
      check(
        "codex: --check: the continuation after the failed check tells the model what the check printed",
        !JSON.stringify(checkedTurns[0]?.body.input).includes(checkFailure) &&
          JSON.stringify(checkedTurns[1]?.body.input).includes(checkFailure),
      );
      for (let waited = 0; receiver.told.length === 0 && waited < 15_000; waited += 200) await sleep(200);
      await sleep(1_000);
      check(
        "codex: --notify: the person is told once, with the stop (done) and a delivery id",
        toldOnceDone(receiver.told, `codex:${threadOf(checkedRun)}`),
        receiver.told.map((entry) => entry.body.slice(0, 300)),
      );
    } finally {
      receiver.close();
    }

    // goal_status naming another thread's session is refused; that goal is unchanged.
    const forged = await exec([`$goal-lease start ${objectives.forge} --max-turns 3`]);
    threads.forge = threadOf(forged);
    const refusal = requestsOf(objectives.forge)
      .map((request) => request.body.input?.at(-1))
      .find((item) => item?.type === "function_call_output");
    check(
      "codex: goal_status with a sessionKey argument is refused as an error the model sees",
      /Unrecognized key/.test(outputText(refusal?.output)),
      outputText(refusal?.output),
    );
    check(
      "codex: the other thread's goal is unchanged; this thread's goal is done on its own report",
      (await goal(options.storePath, threads.cap))?.status === "turn_limited" &&
        (await goal(options.storePath, threads.forge))?.status === "done",
    );
  } finally {
    await model.close();
    rmSync(root, { recursive: true, force: true });
  }
}

const goalCalls = (input: InputItem[]) =>
  input.filter((item) => item.type === "function_call" && item.name === "goal_status").length;

const endsWithOutput = (request: RecordedRequest) =>
  request.body.input?.at(-1)?.type === "function_call_output";

function threadOf(run: CodexRun): string {
  const thread = run.events.find((event) => event.type === "thread.started")?.thread_id;
  if (typeof thread !== "string") throw new Error(`codex printed no thread id: ${run.stderr.slice(-300)}`);
  return thread;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const goal = (storePath: string, thread: string) => storedGoal(storePath, `codex:${thread}`);
