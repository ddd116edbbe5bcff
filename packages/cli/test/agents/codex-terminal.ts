// The user stops a goal from Codex's interactive terminal, driven in a pseudo-terminal, with the plugin
// installed by `codex plugin add`: Esc during a goal turn, then `$goal-lease pause`, leaves no further
// continuation and no further model request.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { check } from "../../../../test/checks.ts";
import { ensurePackage } from "../../../../test/tool-install.ts";
import { codexVersion } from "./codex.ts";
import { codexConfig, pluginToolsApproved } from "./codex-config.ts";
import { type RecordedRequest, type Reply, startResponsesMock } from "./responses-mock.ts";
import { storedGoals } from "./stored-goals.ts";
import { openTerminal, sleep, type Terminal } from "./terminal.ts";

// Its own words: the suites share one store, and other checks start goals of their own.
const objective = "tidy the changelog forever";

export async function codexTerminalChecks(options: { clone: string; storePath: string }): Promise<void> {
  const codex = ensurePackage("@openai/codex", codexVersion, "codex");
  const root = mkdtempSync(join(tmpdir(), "goal-lease-codex-terminal-"));
  const codexHome = join(root, "codex-home");
  const home = join(root, "home");
  const cwd = join(root, "work");
  for (const directory of [codexHome, home, cwd]) mkdirSync(directory);
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
        terminal?.press("\x1b");
        await sleep(800);
        await terminal?.type("$goal-lease pause");
      })();
      await stopping;
      await sleep(1_500);
    }
    const note = `step ${turns.length}`;
    return { call: { namespace: "mcp__goal", name: "goal_status", arguments: { status: "continue", note } } };
  });
  try {
    const trusted = `[projects.${JSON.stringify(cwd)}]\ntrust_level = "trusted"\n\n${pluginToolsApproved}`;
    writeFileSync(join(codexHome, "config.toml"), codexConfig(model.baseUrl, trusted));
    const env = {
      CODEX_HOME: codexHome,
      HOME: home,
      MOCK_API_KEY: "test",
      GOAL_LEASE_STATE: options.storePath,
      PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
    };
    execFileSync(codex, ["plugin", "marketplace", "add", options.clone], { env, cwd, stdio: "ignore" });
    execFileSync(codex, ["plugin", "add", "goal-lease@goal-lease"], { env, cwd, stdio: "ignore" });

    // Hooks run once the user trusts them (Codex asks at startup); this flag is that consent for a test.
    terminal = openTerminal([codex, "--no-alt-screen", "--dangerously-bypass-hook-trust"], { cwd, env });
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
      "codex terminal, Esc then $goal-lease pause during continuation 2: no continuation after it",
      answered && thread && turns.length === 2,
      { answered, turns: turns.length, screen: terminal.screen().slice(-500) },
    );
    check(
      "codex terminal: no model request after the command was answered",
      answered && model.requests.length === requestsWhenAnswered,
      { before: requestsWhenAnswered, after: model.requests.length },
    );
    check(
      "codex terminal: the thread's goal is paused",
      stored.length === 1 && stored[0]?.status === "paused",
      stored.map((goal) => goal?.status),
    );
  } finally {
    terminal?.close();
    await model.close();
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  }
}
