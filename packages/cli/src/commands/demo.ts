import { type CliIo, colours, writeLine } from "../cli-io.js";
import { type ExitCode, exitCodes } from "../exit-codes.js";
import { runGoal } from "./run.js";

/** The objective the demo works on; the demo model's plan has four steps, one more than the demo allows. */
export const demoObjective = "Write a one-page guide to the continuation lease";

/**
 * `goal-lease demo`: a whole goal on the embedded demo model, in memory unless `--store` is given: the
 * start, three continuations, the continuation cap stopping a goal the model wanted to continue, then the
 * status and the event log.
 */
export async function runDemo(io: CliIo, options: { delayMs: number; store?: string }): Promise<ExitCode> {
  const colour = colours(io);
  writeLine(
    io.stdout,
    colour.bold("goal-lease demo: a goal on the embedded demo model (scripted, no AI, no API key)"),
  );
  const code = await runGoal(io, demoObjective, {
    model: "demo",
    demoDelayMs: options.delayMs,
    store: options.store,
    inMemory: options.store === undefined,
    session: "demo",
    maxTurns: 3,
    after: async (send) => {
      for (const command of ["/goal status", "/goal events 20"]) {
        writeLine(io.stdout);
        writeLine(io.stdout, colour.bold(`> ${command}`));
        writeLine(io.stdout, await send(command));
      }
      writeLine(io.stdout);
      writeLine(
        io.stdout,
        "The model had more to do; the cap said no. `/goal resume --max-turns 2` would grant two more. Try `goal-lease chat`.",
      );
    },
  });
  // The cap stopping the goal is the demo going as planned; anything else (Ctrl-C, a closed pipe) says so.
  return code === exitCodes.limitReached ? exitCodes.done : code;
}
