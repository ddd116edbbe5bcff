import {
  describeNotifyTarget,
  GoalNotifier,
  isNotifyTarget,
  notifySettingsWithSecret,
} from "@goal-lease/goal-plugin";
import { GoalLeaseError, type HostStore } from "@goal-lease/sdk";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type CliIo, printable, writeLine } from "./cli-io.js";

/** The environment variable that names where goals run by this process are told, before the store's default. */
export const notifyEnv = "GOAL_LEASE_NOTIFY";

/**
 * The notifier of a host the CLI runs over `store`: signed with the store's secret (made once, at the first
 * stop to tell), linking the store's dashboard, sending goals that name no target to `$GOAL_LEASE_NOTIFY`,
 * else to the store's default (`goal-lease notify set`).
 */
export function cliNotifier(store: HostStore, env: NodeJS.ProcessEnv): GoalNotifier {
  const target = env[notifyEnv]?.trim() || undefined;
  if (target !== undefined && !isNotifyTarget(target)) {
    throw new GoalLeaseError({
      code: "usage",
      message: `${notifyEnv} is ${JSON.stringify(target.slice(0, 80))}, not an http(s) URL or desktop; set it to one, or unset it.`,
    });
  }
  return new GoalNotifier({ settings: () => notifySettingsWithSecret(store), target });
}

/** How long a delivery may take before the person is told the command waits for it. */
const quietWaitMs = 1_000;

/**
 * Waits for the notifications of goals this process stopped: a command that ends with its goal (`run`)
 * sends them before it exits. One still retrying after a second says so; Ctrl-C leaves it pending in the
 * store, for the next goal-lease process that serves the session.
 */
export async function waitForNotifications(
  io: CliIo,
  notifier: GoalNotifier,
  target?: string,
): Promise<void> {
  if (!notifier.busy) return;
  const quiet = await Promise.race([
    notifier.idle().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), quietWaitMs).unref()),
  ]);
  if (quiet) return;
  const where = target === undefined ? "" : ` to ${printable(describeNotifyTarget(target))}`;
  writeLine(
    io.stderr,
    `Sending the goal's notification${where}, retried for up to 10 minutes; Ctrl-C leaves it to the next goal-lease process on this session.`,
  );
  const remove = io.onInterrupt(() => void notifier.close());
  try {
    await notifier.idle();
  } finally {
    remove();
  }
}

/** `--notify` of `run` and `resume`: where the goal tells the person when it stops on its own. */
export function withNotifyOption(command: Command): Command {
  return command.addOption(
    new Option(
      "--notify <target>",
      `where to tell you when the goal stops on its own: an http(s) URL (a signed JSON POST) or desktop (default $${notifyEnv}, else goal-lease notify set)`,
    ).argParser((value: string) => {
      if (!isNotifyTarget(value)) {
        throw new InvalidArgumentError(
          `--notify needs an http(s) URL or desktop, not ${JSON.stringify(value.slice(0, 80))}`,
        );
      }
      return value;
    }),
  );
}
