import {
  type GoalChange,
  goalVerbs,
  limitBounds,
  parseCount,
  parseDollars,
  parseDuration,
  type RemoteGoalVerb,
  remoteGoalVerbs,
} from "@goal-lease/goal-plugin";
import { defaultPrices } from "@goal-lease/sdk";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type CliIo, printable, writeLine } from "./cli-io.js";
import { withNotifyOption } from "./cli-notifier.js";
import { type ChatOptions, runChat } from "./commands/chat.js";
import { runDemo } from "./commands/demo.js";
import { runGoalControl } from "./commands/goal-control.js";
import { runHook } from "./commands/hook.js";
import { notifyCommand } from "./commands/notify.js";
import { showEvents, showSessions, showStatus } from "./commands/read-store.js";
import { type RunFlags, resumeGoal, runGoal } from "./commands/run.js";
import type { ServeCliOptions } from "./commands/serve.js";
import { exitCodes } from "./exit-codes.js";
import { withTracing } from "./tracing-option.js";

/** Builds a fresh `goal-lease` program that writes only to `io`. Actions end by throwing a CommanderError
 * carrying the exit code when it is not 0, so callers (the bin, tests) decide what exiting means. */
export function createProgram(io: CliIo): Command {
  const program = new Command("goal-lease")
    .description("Keep an agent working toward a goal across turns, within hard limits.")
    .version("0.1.0")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  const fail = (error: unknown): never => {
    if (error instanceof CommanderError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    writeLine(io.stderr, `error: ${printable(message.split("\n")[0] ?? "")}`);
    throw new CommanderError(exitCodes.error, "goal-lease.error", message);
  };
  const finish = (code: number) => {
    if (code !== 0) throw new CommanderError(code, "goal-lease.exit", `exit ${code}`);
  };

  program
    .command("demo")
    .description(
      "run a whole goal on the embedded demo model (no API key): start, continuations, a gate, the event log",
    )
    .addOption(
      new Option("--delay <ms>", "pause per demo model call")
        .default(150)
        .argParser(wholeNumber("--delay", 0, 10_000)),
    )
    .option("--store <store>", "keep the demo's state in this file instead of memory")
    .action(async (options: { delay: number; store?: string }) =>
      finish(await runDemo(io, { delayMs: options.delay, store: options.store }).catch(fail)),
    );

  withModelOptions(
    withNotifyOption(withCheckOptions(program.command("run")))
      .description("start a goal and stream its progress until it stops; the exit code says how it stopped")
      .argument("<objective>", "what the goal should achieve")
      .option("--max-turns <n>", "continuation cap", countParser("--max-turns", 1_000))
      .option("--budget <tokens>", "token budget, e.g. 50k", countParser("--budget", 100_000_000))
      .option(
        "--budget-usd <dollars>",
        "dollar budget at the model's prices, e.g. 5 (the first budget reached stops the goal)",
        dollarsParser("--budget-usd"),
      )
      .option("--time <duration>", "wall-clock budget, e.g. 30m or 1h30m", durationParser)
      .option("--session <key>", "session to run in (a new one by default)")
      .option("--json", "print one JSON event per line"),
  ).action(async (objective: string, options: RunFlags) => {
    const code = await runGoal(io, objective, { ...runOptionsOf(options), notify: options.notify }).catch(
      fail,
    );
    finish(code);
  });

  withModelOptions(
    withNotifyOption(withCheckOptions(program.command("resume")))
      .description(
        "resume a session's stopped goal and stream it as run does (or, when another process runs the session, resume it there); limits given are granted on top",
      )
      .requiredOption("--session <key>", "the session whose goal to resume")
      .option("--max-turns <n>", "more continuations", countParser("--max-turns", 1_000))
      .option("--budget <tokens>", "more tokens, e.g. 50k", countParser("--budget", 100_000_000))
      .option("--budget-usd <dollars>", "more dollars, e.g. 2.50", dollarsParser("--budget-usd"))
      .option("--time <duration>", "more wall-clock time, e.g. 30m", durationParser)
      .option("--json", "print one JSON event per line"),
  ).action(async (options: RunFlags) => {
    const code = await resumeGoal(io, { ...runOptionsOf(options), notify: options.notify }).catch(fail);
    finish(code);
  });

  withModelOptions(
    program
      .command("chat")
      .description("chat in a session: plain text goes to the model, /commands to plugins (/goal help)")
      .option("--session <key>", "session to chat in", "chat")
      .option(
        "--plugin <module>",
        "also load this plugin: a path, or an installed package (repeatable)",
        (value: string, previous: string[] = []) => [...previous, value],
      ),
  ).action((options: ChatOptions) => runChat(io, options).catch(fail));

  program
    .command("status")
    .description("show goals: every session's, or one session's in full")
    .option("--session <key>", "one session")
    .option(
      "--store <store>",
      "the store: a file, or a postgres:// URL (default $GOAL_LEASE_STORE, else ~/.goal-lease/state.db)",
    )
    .action((options: { session?: string; store?: string }) => showStatus(io, options).catch(fail));

  program
    .command("events")
    .description("show a goal's event log (the most recently changed goal by default)")
    .option("--session <key>", "one session")
    .option("-n <count>", "how many events, at most 50", countParser("-n", 50), 10)
    .option("--store <store>", "the store: a file, or a postgres:// URL")
    .action((options: { session?: string; store?: string; n: number }) =>
      showEvents(io, { session: options.session, store: options.store, count: options.n }).catch(fail),
    );

  // Every change but resume (which follows the goal, above) as a verb, with the flags its input takes.
  for (const verb of remoteGoalVerbs.filter((verb) => verb !== "resume")) {
    const fields = Object.keys(goalVerbs[verb].input.shape);
    const command = program
      .command(verb)
      .description(`${goalVerbs[verb].about}, from any shell`)
      .requiredOption("--session <key>", "the session whose goal to change")
      .option("--store <store>", "the store: a file, or a postgres:// URL");
    if (fields.includes("note")) command.option("--note <text>", "why, for the goal's log");
    if (fields.includes("objective")) command.requiredOption("--objective <text>", "the new objective");
    if (fields.includes("check")) withCheckOptions(command);
    command.action(
      async (options: { session: string; store?: string; note?: string; objective?: string }) => {
        const { session, store, ...given } = options;
        const input = goalVerbs[verb].input.safeParse(given);
        if (!input.success) return fail(new Error(`${verb}: ${input.error.issues[0]?.message ?? "invalid"}`));
        const change = { verb, input: input.data } as GoalChange & { verb: RemoteGoalVerb };
        finish(await runGoalControl(io, change, { session, store }).catch(fail));
      },
    );
  }

  program
    .command("serve")
    .description(
      "serve the goals of a store over HTTP: a live dashboard, a JSON API with the control verbs, a wake webhook",
    )
    .option("--store <store>", "the store: a file, or a postgres:// URL")
    .option("--host <address>", "address to listen on; other than loopback needs --token-file", "127.0.0.1")
    .addOption(
      new Option("--port <port>", "port; 0 picks a free one")
        .default(8765)
        .argParser(wholeNumber("--port", 0, 65_535)),
    )
    .option("--token-file <path>", "read the access token from this file instead of making one")
    .option("--webhook-secret-file <path>", "turn on POST /hooks/wake/<session> with this secret")
    .option(
      "--metrics-token-file <path>",
      "a read-only token for GET /metrics (the access token opens it too)",
    )
    // The HTTP server loads only for this command.
    .action(async (options: ServeCliOptions) =>
      finish(await (await import("./commands/serve.js")).runServe(io, options).catch(fail)),
    );

  program
    .command("sessions")
    .description("list the sessions in the store")
    .option("--store <store>", "the store: a file, or a postgres:// URL")
    .action((options: { store?: string }) => showSessions(io, options).catch(fail));

  program.addCommand(notifyCommand(io, fail));

  program
    .command("mcp")
    .description(
      "serve goal_status and goal_view over MCP (stdio) for Claude Code or Codex; under Claude Code, also its hooks",
    )
    .option(
      "--store <store>",
      "the store: a file, or a postgres:// URL (default $GOAL_LEASE_STORE, else ~/.goal-lease/state.db)",
    )
    .option("--prices <file>", "model prices laid over the ones shipped (default $GOAL_LEASE_PRICES)")
    // The MCP SDK loads only for this command, so the hook (run on every Claude Code event) starts fast.
    .action(async (options: { store?: string; prices?: string }) =>
      (await import("./commands/mcp.js")).runMcp(io, options).catch(fail),
    );

  program
    .command("hook")
    .argument("[agent]", "claude (default) or codex")
    .argument("[role]", "wake: Claude Code's background Stop hook, which wakes the idle session")
    .description("agent hook: hands the event on stdin to the goal-lease mcp of the same agent process")
    .action(async (agent?: string, role?: string) => {
      if (agent !== undefined && agent !== "claude" && agent !== "codex") {
        return fail(new Error(`unknown agent "${agent}": use claude or codex`));
      }
      if (role !== undefined && role !== "wake")
        return fail(new Error(`unknown hook role "${role}": use wake`));
      finish(await runHook(io, agent, role === "wake" ? role : undefined).catch(fail));
    });

  return withTracing(program, io);
}

/** What `run` and `resume` pass on from their flags. */
function runOptionsOf(options: RunFlags): RunFlags {
  const { model, baseUrl, apiKey, store, session, maxTurns, budget, time, json, timeout } = options;
  const { check, checkShell, checkTimeout, budgetUsd, prices } = options;
  return {
    ...{ model, baseUrl, apiKey, store, session, maxTurns, budget, time, json, timeout },
    ...{ check, checkShell, checkTimeout, budgetUsd, prices },
  };
}

/** The check options of the commands that set a goal's check: `run`, `resume` and `edit`. */
function withCheckOptions(command: Command): Command {
  return command
    .option("--check <command>", 'a command that must pass (exit 0) before the goal is done, e.g. "npm test"')
    .option("--check-shell", "run the check with the system shell (pipes, &&, globs)")
    .option("--check-timeout <duration>", "how long the check may run, e.g. 5m (default 10m)");
}

function withModelOptions(command: Command): Command {
  return command
    .option("--model <spec>", "demo, openai:<model> or anthropic:<model>", "demo")
    .option(
      "--base-url <url>",
      "provider endpoint (default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL or the provider's)",
    )
    .option("--api-key <key>", "provider key (default: OPENAI_API_KEY / ANTHROPIC_API_KEY)")
    .option(
      "--timeout <duration>",
      "how long one model request may take, e.g. 30s (default 2m); a rate limit, a 5xx or a timeout is tried twice more",
      durationParser,
    )
    .option(
      "--store <store>",
      "the store: a file, or a postgres:// URL (default $GOAL_LEASE_STORE, else ~/.goal-lease/state.db)",
    )
    .option(
      "--prices <file>",
      `model prices, a JSON file laid over the ones shipped (dated ${defaultPrices.asOf}); default $GOAL_LEASE_PRICES`,
    );
}

function dollarsParser(flag: string) {
  return (value: string) => {
    try {
      return parseDollars(value, flag, limitBounds.budgetUsd);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

function countParser(flag: string, max: number) {
  return (value: string) => {
    try {
      return parseCount(value, flag, max);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

function wholeNumber(flag: string, min: number, max: number) {
  return (value: string) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`${flag} needs a whole number from ${min} to ${max}, not "${value}"`);
    }
    return number;
  };
}

function durationParser(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
