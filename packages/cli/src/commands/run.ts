import { randomUUID } from "node:crypto";
import {
  formatGoalCommand,
  type GoalChange,
  maxObjectiveChars,
  readStoredGoal,
} from "@goal-lease/goal-plugin";
import { GoalLeaseError, hasLiveOwner } from "@goal-lease/sdk";
import { type CliIo, colours, printable, writeLine } from "../cli-io.js";
import { waitForNotifications } from "../cli-notifier.js";
import { type ExitCode, exitCodes } from "../exit-codes.js";
import { hearForwardedCommands } from "../forwarded-commands.js";
import { watchGoal } from "../goal-progress.js";
import { resolveModel } from "../model-spec.js";
import { openCliHost } from "../open-host.js";
import { exitCodeFor } from "../outcome.js";
import { loadPrices } from "../prices-option.js";
import { printJson, printProgress } from "../progress-printer.js";
import { openExistingStore, sendGoalChange } from "./goal-control.js";

/** What `run` and `resume` take from their flags. */
export interface RunFlags {
  model: string;
  baseUrl?: string;
  apiKey?: string;
  store?: string;
  session?: string;
  maxTurns?: number;
  budget?: number;
  /** US dollars. */
  budgetUsd?: number;
  time?: number;
  /** The person's check: a command that must pass before the goal is done. */
  check?: string;
  checkShell?: boolean;
  checkTimeout?: string;
  json?: boolean;
  /** Where the goal tells the person when it stops on its own: an http(s) URL or `desktop`. */
  notify?: string;
  /** Milliseconds one model request may take. */
  timeout?: number;
  /** A price file laid over the shipped prices. */
  prices?: string;
}

/** Options of `goal-lease run` (and the goal part of `demo`). */
export interface RunOptions extends RunFlags {
  inMemory?: boolean;
  demoDelayMs?: number;
  /** Runs after the goal stops, with the host still open (the demo shows status and events here). */
  after?: (send: (text: string) => Promise<string>) => Promise<void>;
}

/** Starts a goal in a session and follows it until it stops; resolves with the documented exit code. */
export async function runGoal(io: CliIo, objective: string, options: RunOptions): Promise<ExitCode> {
  checkObjective(objective);
  return follow(io, options, objective);
}

/**
 * Resumes the stopped goal of `options.session` and follows it until it stops, as `run` does. A goal that
 * another live process runs is resumed there instead (never run twice): the change goes to it through the
 * store, and its answer is printed.
 */
export async function resumeGoal(io: CliIo, options: RunOptions): Promise<ExitCode> {
  const { session, store: location } = options;
  if (session !== undefined && !options.inMemory) {
    const store = await openExistingStore(io, location).catch(() => undefined);
    try {
      if (store && (await hasLiveOwner(store, session, Date.now()))) {
        const sent = await sendGoalChange(store, session, { verb: "resume", input: limitsOf(options) });
        writeLine(sent.applied === false ? io.stderr : io.stdout, sent.text);
        return sent.applied === false ? exitCodes.notApplied : exitCodes.done;
      }
    } finally {
      await store?.close();
    }
  }
  return follow(io, options);
}

/** Starts (with an objective) or resumes the session's goal, then reports it until it stops. */
async function follow(io: CliIo, options: RunOptions, objective?: string): Promise<ExitCode> {
  const colour = colours(io);
  const model = await resolveModel(options.model, {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    env: io.env,
    demoDelayMs: options.demoDelayMs,
    timeoutMs: options.timeout,
  });
  const cli = await openCliHost({
    model,
    storePath: options.store,
    inMemory: options.inMemory,
    env: io.env,
    requestTimeoutMs: options.timeout,
    prices: loadPrices(options.prices, io.env),
  });
  const sessionKey = options.session ?? `run-${randomUUID().slice(0, 8)}`;
  const say = (line: string) => writeLine(io.stdout, line);
  const report = options.json ? printJson(say) : printProgress(say, colour);
  // Changes other shells made: those queued while no process served the session are applied as it opens.
  const forwarded = hearForwardedCommands(cli.host, sessionKey, report);
  try {
    await cli.host.openSession({ sessionKey, channel: "cli" });
    const owner = { id: "cli-user", isOwner: true };
    const send = async (text: string) => {
      const result = await cli.host.send({ sessionKey, text, sender: owner });
      return result.kind === "command" ? result.command.reply : result.turn.text;
    };
    if (!options.json) {
      writeLine(
        io.stdout,
        colour.dim(`goal-lease · model ${model.id} · session ${sessionKey} · store ${cli.location}`),
      );
    }
    // Told before anything this process does to the goal: its state is what they made it.
    forwarded.opened();
    const resume = `goal-lease resume --session ${sessionKey}`;
    const existing = await readStoredGoal(cli.store, sessionKey);
    const open = existing && existing.status !== "done" && existing.status !== "cleared";
    if (objective !== undefined && open) {
      writeLine(
        io.stderr,
        `error: session ${sessionKey} already has a goal that is ${existing.status} (${printable(JSON.stringify(existing.objective.slice(0, 80)))}); ${resume} continues it, or pick another --session.`,
      );
      return exitCodes.error;
    }
    if (objective === undefined && !open) {
      writeLine(
        io.stderr,
        `error: session ${sessionKey} has no goal to resume; start one with goal-lease run "<objective>" --session ${sessionKey}.`,
      );
      return exitCodes.error;
    }
    // A resumed goal is stopped until the command runs; its continuation starts only after the reply.
    let watch =
      objective === undefined
        ? undefined
        : watchGoal(cli.host, cli.store, sessionKey, report, { replacing: existing?.id });
    // The objective is one argument, taken as written: after `--`, nothing in it is read as a flag.
    const change: GoalChange =
      objective === undefined
        ? { verb: "resume", input: limitsOf(options) }
        : { verb: "start", input: { objective, ...limitsOf(options) } };
    const command = formatGoalCommand("goal", change);
    if (!options.json) writeLine(io.stdout, colour.bold(`> ${printable(command)}`));
    const heardBefore = forwarded.heard();
    const reply = await send(command).catch((error: unknown) => {
      watch?.stop();
      throw error;
    });
    watch ??= watchGoal(cli.host, cli.store, sessionKey, report);
    const goal = await readStoredGoal(cli.store, sessionKey);
    // Not active though another shell's change came in meanwhile (said above): the watch tells what it made
    // of the goal, and the exit code follows. Otherwise the command was refused.
    if (goal?.status !== "active" && (forwarded.heard() === heardBefore || !goal)) {
      watch.stop();
      writeLine(io.stderr, `error: ${printable(reply.split("\n")[0] ?? "")}`);
      return exitCodes.error;
    }
    if (options.json) {
      const type = objective === undefined ? "goal-resumed" : "goal-started";
      writeLine(io.stdout, printable(JSON.stringify({ type, sessionKey, objective: goal.objective })));
    } else writeLine(io.stdout, printable(reply));
    const removeInterrupt = io.onInterrupt((cause) => {
      const note = cause === "output-closed" ? "paused: the output was closed" : "paused with Ctrl-C";
      void send(formatGoalCommand("goal", { verb: "pause", input: { note } })).then((text) =>
        writeLine(
          io.stderr,
          colour.yellow(printable(text).replace("/goal resume continues it.", `${resume} continues it.`)),
        ),
      );
    });
    const stopped = await watch.stopped;
    removeInterrupt();
    await waitForNotifications(io, cli.notifier, stopped?.notification?.target);
    const code = exitCodeFor(stopped);
    if (options.after) await options.after(send);
    if (options.json) writeLine(io.stdout, JSON.stringify({ type: "exit", code }));
    return code;
  } finally {
    forwarded.stop();
    await cli.close();
  }
}

/** The limits and the check `run` and `resume` were given, as a goal change carries them. */
function limitsOf(options: RunOptions) {
  const { maxTurns, budget, budgetUsd, time, check, checkShell, checkTimeout } = options;
  return {
    ...(maxTurns === undefined ? {} : { maxTurns }),
    ...(budget === undefined ? {} : { budget }),
    ...(budgetUsd === undefined ? {} : { budgetUsd }),
    ...(time === undefined ? {} : { time: `${Math.round(time / 1_000)}s` }),
    ...(check === undefined ? {} : { check }),
    ...(checkShell ? { checkShell } : {}),
    ...(options.notify === undefined ? {} : { notify: options.notify }),
    ...(checkTimeout === undefined ? {} : { checkTimeout }),
  };
}

/** Refuses an objective the goal would refuse, in the shell's words, before any session is made. */
function checkObjective(objective: string): void {
  if (objective.trim() === "") {
    throw new GoalLeaseError({
      code: "usage",
      message:
        'the objective is empty; say what the goal should achieve, e.g. goal-lease run "fix the failing tests"',
    });
  }
  if (objective.length > maxObjectiveChars) {
    throw new GoalLeaseError({
      code: "usage",
      message: `the objective has ${objective.length.toLocaleString("en-US")} characters; the limit is ${maxObjectiveChars.toLocaleString("en-US")}`,
    });
  }
}
