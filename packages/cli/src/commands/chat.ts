import { createInterface } from "node:readline";
import { type Goal, readStoredGoal } from "@goal-lease/goal-plugin";
import { type CliIo, colours, printable } from "../cli-io.js";
import { hearForwardedCommands } from "../forwarded-commands.js";
import { reportContinuationStarts, statusLine, summarize, watchGoal } from "../goal-progress.js";
import { resolveModel } from "../model-spec.js";
import { openCliHost } from "../open-host.js";
import { loadPluginModules } from "../plugin-modules.js";
import { loadPrices } from "../prices-option.js";
import { printProgress } from "../progress-printer.js";
import type { RunFlags } from "./run.js";

/** What `chat` takes from its flags: the model and store flags `run` takes, and plugins to load. */
export type ChatOptions = Pick<
  RunFlags,
  "model" | "baseUrl" | "apiKey" | "store" | "session" | "timeout" | "prices"
> & {
  plugin?: string[];
};

/**
 * `goal-lease chat`: a line-based chat in one session. While a goal runs, the prompt carries a live status
 * line and each continuation is marked. Ctrl-C pauses a running goal; a second Ctrl-C (or Ctrl-D) exits.
 */
export async function runChat(io: CliIo, options: ChatOptions): Promise<void> {
  const colour = colours(io);
  const model = await resolveModel(options.model, {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    env: io.env,
    demoDelayMs: 400,
    timeoutMs: options.timeout,
  });
  const plugins = await loadPluginModules(options.plugin ?? [], process.cwd());
  const cli = await openCliHost({
    model,
    storePath: options.store,
    env: io.env,
    requestTimeoutMs: options.timeout,
    plugins,
    prices: loadPrices(options.prices, io.env),
  });
  const sessionKey = options.session ?? "chat";
  // A change made from another shell (goal-lease pause, the dashboard) shows here as it is applied; those
  // queued while no process served the session are applied as it opens, and shown after the banner.
  const forwarded = hearForwardedCommands(cli.host, sessionKey, (event) => {
    progress(event);
    void refreshPrompt();
  });
  await cli.host.openSession({ sessionKey, channel: "cli" });
  const owner = { id: "cli-user", isOwner: true };
  const terminal = io.stdin.isTTY === true && io.stdout.isTTY === true;
  const readline = createInterface({ input: io.stdin, output: io.stdout, terminal });

  // Output that arrives while the person types: clear the prompt line, print, redraw prompt and input.
  const say = (text: string) => {
    if (terminal) io.stdout.write("\r\u001b[2K");
    io.stdout.write(`${text}\n`);
    if (terminal) readline.prompt(true);
  };
  const progress = printProgress(say, colour);

  let goalActive = false;
  const refreshPrompt = async () => {
    const goal = await readStoredGoal(cli.store, sessionKey);
    goalActive = goal?.status === "active";
    const status = goal && goalActive ? colour.cyan(`[goal ${statusLine(goal, Date.now())}] `) : "";
    readline.setPrompt(`${status}> `);
    if (terminal) readline.prompt(true);
  };
  const removers = [
    reportContinuationStarts(cli.host, cli.store, sessionKey, progress),
    cli.host.on("turn-end", (event) => {
      if (event.sessionKey !== sessionKey || event.kind !== "continuation") return;
      void readStoredGoal(cli.store, sessionKey).then((goal) => {
        const text = event.text.trim();
        if (text) say(`  ${printable(text)}`);
        // A turn that ended without a report has its closing words as the note: printed once.
        if (goal?.lastNote && goal.lastNote !== text) say(colour.dim(`  note: ${printable(goal.lastNote)}`));
        if (goal && goal.status !== "active") say(colour.yellow(stoppedLine(goal)));
        void refreshPrompt();
      });
    }),
  ];
  removers.push(forwarded.stop);
  const ticker = setInterval(() => {
    if (goalActive && terminal) void refreshPrompt();
  }, 1_000);

  say(colour.dim(`goal-lease chat · model ${model.id} · session ${sessionKey} · store ${cli.location}`));
  say(
    colour.dim("Type a message, or /goal help. Ctrl-C pauses a running goal; Ctrl-C twice or Ctrl-D exits."),
  );
  forwarded.opened();
  // Coming back to a session: say where its goal stands, and how to go on.
  const earlier = await readStoredGoal(cli.store, sessionKey);
  if (earlier && earlier.status !== "done" && earlier.status !== "cleared") {
    const next =
      earlier.status === "active" ? "it runs on; /goal pause stops it." : "/goal resume continues it.";
    say(
      colour.yellow(
        `${stoppedLine(earlier).replace("■ goal", "Goal")} (${printable(JSON.stringify(earlier.objective))}); ${next}`,
      ),
    );
  }

  const sayError = (error: unknown) => say(colour.red(`error: ${printable((error as Error).message)}`));
  let exitArmed = false;
  let closing = false;
  const finished = new Promise<void>((resolve) => readline.once("close", resolve));
  const interrupt = () => {
    if (goalActive && !exitArmed) {
      exitArmed = true;
      void cli.host
        .send({ sessionKey, text: "/goal pause paused with Ctrl-C", sender: owner })
        .then((result) => {
          if (result.kind === "command")
            say(colour.yellow(`${printable(result.command.reply)} Press Ctrl-C again to exit.`));
          void refreshPrompt();
        })
        .catch(sayError);
      return;
    }
    closing = true;
    // Leave the shell's prompt on a line of its own.
    if (terminal) io.stdout.write("\n");
    readline.close();
  };
  readline.on("SIGINT", interrupt);
  const removeInterrupt = io.onInterrupt(interrupt);

  const pending = new Set<Promise<unknown>>();
  readline.on("line", (line) => {
    exitArmed = false;
    const text = line.trim();
    if (text === "") {
      readline.prompt();
      return;
    }
    if (text === "/exit" || text === "/quit") {
      closing = true;
      readline.close();
      return;
    }
    const handled = cli.host
      .send({ sessionKey, text, sender: owner })
      .then((result) => {
        if (result.kind === "command") say(printable(result.command.reply));
        else
          say(
            result.turn.outcome.status === "error"
              ? colour.red(printable(result.turn.outcome.message))
              : printable(result.turn.text),
          );
      })
      .catch(sayError)
      .then(refreshPrompt)
      .catch(sayError);
    pending.add(handled);
    void handled.finally(() => pending.delete(handled));
  });
  await refreshPrompt();
  readline.prompt();
  await finished;
  await Promise.all(pending);
  // Piped input ended while a goal runs: let it finish, as a script would expect; Ctrl-C still pauses it.
  if (!closing && goalActive) await watchGoal(cli.host, cli.store, sessionKey, () => {}).stopped;
  clearInterval(ticker);
  removeInterrupt();
  for (const remove of removers) remove();
  await cli.close();
}

/** `■ goal paused: paused with Ctrl-C`, the way run ends too. */
function stoppedLine(goal: Goal): string {
  const { status, stopReason } = summarize(goal);
  return `■ goal ${status}${stopReason ? `: ${printable(stopReason)}` : ""}`;
}
