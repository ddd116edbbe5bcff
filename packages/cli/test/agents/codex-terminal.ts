// The user stops a goal from Codex's interactive terminal, driven in a pseudo-terminal, with the plugin
// installed by `codex plugin add`: Esc during a goal turn, then `$goal-lease pause`, leaves no further
// continuation and no further model request.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { check } from "../../../../test/checks.ts";
import { ensurePackage } from "../../../../test/tool-install.ts";
import { codexVersion } from "./codex.ts";
import { type CodexHome, codexHome } from "./codex-home.ts";
import { threeTurnsInTerminal } from "./codex-three-turns.ts";
import { type RecordedRequest, type Reply, startResponsesMock } from "./responses-mock.ts";
import { storedGoals, storedSessions } from "./stored-goals.ts";
import { sleep, type Terminal } from "./terminal.ts";

/** Waits (a bounded while) until `check` holds. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    if (await check()) return true;
  }
  return check();
}

export async function codexTerminalChecks(options: { clone: string; storePath: string }): Promise<void> {
  const codex = ensurePackage("@openai/codex", codexVersion, "codex");
  // Waits and a usage limit in Codex's terminal, beside the stop below: the idle thread is woken by a
  // message queued for it (`codex queue`).
  const waking = Promise.all([
    wakesInTerminal(codex, options, "wait"),
    wakesInTerminal(codex, options, "early"),
    wakesInTerminal(codex, options, "limit"),
    wakesInTerminal(codex, options, "limit-unsaid"),
  ]);
  // With Esc first, and without: Codex hands what is typed during a turn to the running turn at once.
  await stopInTerminal(codex, options, true);
  await stopInTerminal(codex, options, false);
  const [wait, early, limit, unsaid] = await waking;
  check(
    "codex terminal: a 20 s wait wakes the idle thread by itself (a queued message), once, with no model request meanwhile",
    wait.turns.join() === "1,2" && wait.requestsWhileWaiting === 0 && wait.status === "done",
    wait,
  );
  check(
    "codex terminal: a wait woken early from another shell (goal-lease wake) runs its continuation now, once",
    early.turns.join() === "1,2" && /runs now/.test(early.answer ?? "") && early.status === "done",
    early,
  );
  check(
    "codex terminal: a usage limit Codex gives up on makes the goal usage_limited at once, with Codex's reset time; a wake retries it once",
    limit.turns.join() === "1,1" &&
      limit.limited?.status === "usage_limited" &&
      limit.limited.retryInS !== undefined &&
      limit.limited.retryInS <= 120 &&
      limit.status === "done",
    limit,
  );
  check(
    "codex terminal: a usage limit with no reset time makes the goal usage_limited at once, retried after the back-off's first minute; a wake retries it once",
    unsaid.turns.join() === "1,1" &&
      unsaid.limited?.status === "usage_limited" &&
      unsaid.limited.retryInS !== undefined &&
      Math.abs(unsaid.limited.retryInS - 60) <= 5 &&
      unsaid.status === "done",
    unsaid,
  );
  console.log(
    `  figures: codex wake latency ${wait.latencyMs} ms after a 20 s wait's end, ${early.latencyMs} ms after goal-lease wake, ${limit.latencyMs} ms after goal-lease wake of a usage limit`,
  );
  // goal-lease's three-turn goal against Codex's built-in goal, one after the other on the same model.
  const ours = await threeTurnsInTerminal(codex, options, "goal-lease");
  const builtIn = await threeTurnsInTerminal(codex, options, "built-in");
  check(
    "codex terminal: a three-turn goal ends after its three turns, goal-lease's (done) and the built-in's (complete)",
    ours.finished && builtIn.finished,
    { ours, builtIn },
  );
  console.log(
    `  figures: three-turn goal: goal-lease ${ours.requests} requests, ${ours.kb} KB, turn gap ${ours.gapMs} ms (median); built-in goal ${builtIn.requests} requests, ${builtIn.kb} KB, turn gap ${builtIn.gapMs} ms`,
  );
}

/** `$goal-lease pause` typed during continuation 2 of a goal in Codex's terminal, with Esc first or not. */
async function stopInTerminal(codex: string, options: { clone: string; storePath: string }, esc: boolean) {
  // Its own words: the suites share one store, and other checks start goals of their own.
  const objective = esc ? "tidy the changelog forever" : "tidy the readme forever";
  const how = esc ? "Esc then $goal-lease pause" : "$goal-lease pause without Esc";
  let home: CodexHome | undefined;
  let terminal: Terminal | undefined;
  let stopping: Promise<void> | undefined;
  // Requests of the goal's turns: the first and each continuation, not the answers to tool calls.
  const turns: RecordedRequest[] = [];
  const model = await startResponsesMock(async (request): Promise<Reply> => {
    const input = request.body.input ?? [];
    // Codex's terminal also asks, with no tools, for a title for the thread.
    if (!request.body.tools?.length) return { text: "Tidy the changelog" };
    if (input.at(-1)?.type === "function_call_output") return { text: "ok" };
    if (!JSON.stringify(input).includes(objective)) return { text: "hello back" };
    turns.push(request);
    if (turns.length === 2 && !stopping) {
      // The user acts while continuation 2's model call is still running.
      stopping = (async () => {
        await sleep(1_000);
        if (esc) {
          terminal?.press("\x1b");
          await sleep(800);
        }
        await terminal?.type("$goal-lease pause");
      })();
      await stopping;
      await sleep(1_500);
    }
    const note = `step ${turns.length}`;
    return { call: { namespace: "mcp__goal", name: "goal_status", arguments: { status: "continue", note } } };
  });
  try {
    home = codexHome(codex, options, model.baseUrl);
    terminal = home.openTerminal();
    await terminal.until(/Ask Codex to do anything/, 30_000);
    await terminal.type(`$goal-lease start ${objective} --max-turns 6`);
    const answered = await terminal.until(/Blocked by hook └ (Goal paused|The goal is paused)/, 60_000);
    const requestsWhenAnswered = model.requests.length;
    await sleep(3_000);
    const thread = /Goal continuation 2 of 6/.test(terminal.screen());
    const stored = (await storedGoals(options.storePath, (key) => key.startsWith("codex:"))).filter(
      (goal) => goal.objective === objective,
    );

    check(
      `codex terminal, ${how} during continuation 2: no continuation after it`,
      answered && thread && turns.length === 2,
      { answered, turns: turns.length, screen: terminal.screen().slice(-500) },
    );
    check(
      `codex terminal, ${how}: no model request after the command was answered`,
      answered && model.requests.length === requestsWhenAnswered,
      { before: requestsWhenAnswered, after: model.requests.length },
    );
    check(
      `codex terminal, ${how}: the thread's goal is paused`,
      stored.length === 1 && stored[0]?.status === "paused",
      stored.map((goal) => goal?.status),
    );
    check(
      `codex terminal, ${how}: the person's pause, in the log and the answer (never a model error)`,
      /^(the person interrupted a goal turn|paused by the user)$/.test(stored[0]?.statusReason ?? "") &&
        stored[0]?.statusGate === undefined &&
        !/nothing to pause/.test(terminal.screen()),
      { reason: stored[0]?.statusReason, gate: stored[0]?.statusGate },
    );
  } finally {
    terminal?.close();
    await model.close();
    home?.remove();
  }
}

/**
 * A goal in Codex's terminal that waits 20 s (`wait`), or 10 minutes and is woken from another shell
 * (`early`), or whose first request gets a 429 `usage_limit_reached` with a reset time (`limit`) or without
 * one (`limit-unsaid`), then woken from another shell; the model then reports done.
 */
async function wakesInTerminal(
  codex: string,
  options: { clone: string; storePath: string },
  kind: "wait" | "early" | "limit" | "limit-unsaid",
) {
  const limited = kind === "limit" || kind === "limit-unsaid";
  const objective = `ship ${kind} after CI`;
  const turns: number[] = [];
  let due = 0;
  let refused = false;
  const model = await startResponsesMock(async (request): Promise<Reply> => {
    const input = request.body.input ?? [];
    if (!request.body.tools?.length) return { text: "Ship after CI" };
    if (input.at(-1)?.type === "function_call_output") return { text: "ok" };
    const thread = JSON.stringify(input);
    const turn = thread.match(/Goal continuation (\d+) of/g)?.length ?? 0;
    turns.push(
      Number(/Goal continuation (\d+) of(?![\s\S]*Goal continuation \d+ of)/.exec(thread)?.[1] ?? 0),
    );
    const call = (status: string, extra = {}) => ({
      call: { namespace: "mcp__goal", name: "goal_status", arguments: { status, note: "CI", ...extra } },
    });
    if (limited && !refused) {
      refused = true;
      const resets =
        kind === "limit" ? { resets_in_seconds: 20, resets_at: Math.floor(Date.now() / 1_000) + 20 } : {};
      const error = { type: "usage_limit_reached", message: "You've hit your usage limit.", ...resets };
      return { error: { status: 429, body: { error } } };
    }
    if (turn <= 1 && !limited) {
      due = Date.now() + (kind === "wait" ? 20_000 : 600_000);
      return call("waiting", { wait_seconds: kind === "wait" ? 20 : 600 });
    }
    return call("done");
  });
  let home: CodexHome | undefined;
  let terminal: Terminal | undefined;
  try {
    home = codexHome(codex, options, model.baseUrl);
    terminal = home.openTerminal();
    await terminal.until(/Ask Codex to do anything/, 30_000);
    await sleep(1_000);
    await terminal.type(`$goal-lease start ${objective} --max-turns 4`);
    // Several terminals start at once on a busy machine: an Enter the composer was not ready for is pressed again.
    if (!(await until(async () => model.requests.length > 0, 5_000))) terminal.press("\r");
    const goalOf = async () =>
      (await storedGoals(options.storePath, (key) => key.startsWith("codex:"))).find(
        (goal) => goal.objective === objective,
      );
    const sessionOf = async () =>
      (await storedSessions(options.storePath, (key) => key.startsWith("codex:"))).find(
        (entry) => entry.goal.objective === objective,
      )?.sessionKey;
    let answer: string | undefined;
    let limitedAt: { status?: string; retryInS?: number } | undefined;
    let wokeAt = 0;
    const deadline = Date.now() + 60_000;
    for (; Date.now() < deadline; await sleep(250)) {
      const goal = await goalOf();
      if (goal?.status === "done") break;
      const wakeable =
        kind === "early" ? goal?.status === "waiting" : limited && goal?.status === "usage_limited";
      if (wakeable && answer === undefined) {
        if (limited)
          limitedAt = {
            status: goal?.status,
            retryInS: Math.round(((goal?.wakeAt ?? 0) - Date.now()) / 1_000),
          };
        await sleep(2_000);
        const cli = join(options.clone, "plugins/claude-code/dist/goal-lease.js");
        wokeAt = Date.now();
        answer = execFileSync(process.execPath, [cli, "wake", "--session", (await sessionOf()) ?? ""], {
          env: home.env,
          encoding: "utf8",
        });
      }
    }
    const goal = await goalOf();
    const goalRequests = model.requests.filter(
      (r) => r.body.tools?.length && r.body.input?.at(-1)?.type !== "function_call_output",
    );
    const woke = goalRequests[1];
    return {
      turns,
      requestsWhileWaiting: model.requests.filter((r) => r.receivedAt > due - 19_000 && r.receivedAt < due)
        .length,
      status: goal?.status,
      answer,
      limited: limitedAt,
      latencyMs: woke ? woke.receivedAt - (kind === "wait" ? due : wokeAt) : undefined,
    };
  } finally {
    terminal?.close();
    await model.close();
    home?.remove();
  }
}
