import {
  describeNotifyTarget,
  isNotifyTarget,
  notifySettingsWithSecret,
  readNotifySettings,
  updateNotifySettings,
} from "@goal-lease/goal-plugin";
import { defaultStoreLocation, describeStore, GoalLeaseError, openStore } from "@goal-lease/sdk";
import { Command } from "commander";
import { type CliIo, printable, writeLine } from "../cli-io.js";
import { notifyEnv } from "../cli-notifier.js";

/** Options every `goal-lease notify` command takes. */
export interface NotifyOptions {
  store?: string;
}

/**
 * `goal-lease notify set`: where goals of the store that name no target of their own (`--notify`) are told
 * when they stop on their own, and the dashboard's address their notifications link to. Makes the store's
 * signing secret if it has none.
 */
export async function setNotify(
  io: CliIo,
  target: string,
  options: NotifyOptions & { dashboardUrl?: string },
): Promise<void> {
  if (!isNotifyTarget(target)) {
    throw new GoalLeaseError({
      code: "usage",
      message: `${JSON.stringify(target.slice(0, 80))} is not a notify target; give an http(s) URL or desktop, e.g. goal-lease notify set https://hooks.example/goals`,
    });
  }
  const { dashboardUrl } = options;
  if (dashboardUrl !== undefined && !isNotifyTarget(dashboardUrl)) {
    throw new GoalLeaseError({
      code: "usage",
      message: `--dashboard-url ${JSON.stringify(dashboardUrl.slice(0, 80))} is not an http(s) URL; give the address goal-lease serve answers on.`,
    });
  }
  await withWritableStore(io, options.store, async (store, location) => {
    await updateNotifySettings(store, (current) => ({
      ...current,
      target,
      ...(dashboardUrl === undefined ? {} : { dashboardUrl }),
    }));
    await notifySettingsWithSecret(store);
    writeLine(
      io.stdout,
      `Goals of ${location} that stop on their own now notify ${printable(describeNotifyTarget(target))}, unless they name their own (--notify). goal-lease notify show prints the signing secret.`,
    );
  });
}

/** `goal-lease notify show`: the store's default target, dashboard address and signing secret. */
export async function showNotify(io: CliIo, options: NotifyOptions): Promise<void> {
  await withWritableStore(io, options.store, async (store, location) => {
    const settings = await notifySettingsWithSecret(store);
    const fromEnv = io.env[notifyEnv]?.trim();
    writeLine(io.stdout, `store:      ${location}`);
    writeLine(
      io.stdout,
      `default:    ${settings.target === undefined ? "none" : printable(settings.target)}`,
    );
    if (fromEnv)
      writeLine(io.stdout, `${notifyEnv}: ${printable(fromEnv)} (this shell's goals notify it first)`);
    writeLine(
      io.stdout,
      `dashboard:  ${settings.dashboardUrl === undefined ? "none" : printable(settings.dashboardUrl)}`,
    );
    writeLine(io.stdout, `secret:     ${settings.secret}`);
    writeLine(
      io.stdout,
      "Each notification is a POST of JSON signed with X-Goal-Lease-Signature: sha256=<hex HMAC-SHA256 of the raw body under the secret>.",
    );
  });
}

/** `goal-lease notify clear`: no default target or dashboard address; the secret stays, so receivers keep working. */
export async function clearNotify(io: CliIo, options: NotifyOptions): Promise<void> {
  await withWritableStore(io, options.store, async (store, location) => {
    const before = await readNotifySettings(store);
    await updateNotifySettings(store, ({ secret }) => ({ secret }));
    writeLine(
      io.stdout,
      before.target === undefined
        ? `${location} had no default notify target.`
        : `Goals of ${location} no longer notify ${printable(describeNotifyTarget(before.target))} by default; those started with --notify still do.`,
    );
  });
}

async function withWritableStore(
  io: CliIo,
  location: string | undefined,
  use: (store: Awaited<ReturnType<typeof openStore>>, described: string) => Promise<void>,
): Promise<void> {
  const where = location ?? defaultStoreLocation(io.env);
  const store = await openStore(where);
  try {
    await use(store, describeStore(where));
  } finally {
    await store.close();
  }
}

/** `goal-lease notify set|show|clear`. */
export function notifyCommand(io: CliIo, fail: (error: unknown) => never): Command {
  const command = new Command("notify").description(
    "where goals that stop on their own tell you by default (a URL or desktop), and the secret that signs it",
  );
  const storeOption = ["--store <store>", "the store: a file, or a postgres:// URL"] as const;
  command
    .command("set")
    .description("tell goals' stops to this http(s) URL, or desktop, unless a goal names its own (--notify)")
    .argument("<target>", "an http(s) URL or desktop")
    .option(
      "--dashboard-url <url>",
      "the dashboard's address notifications link to, e.g. http://127.0.0.1:8765",
    )
    .option(...storeOption)
    .action((target: string, options: NotifyOptions & { dashboardUrl?: string }) =>
      setNotify(io, target, options).catch(fail),
    );
  command
    .command("show")
    .description("show the default target, the dashboard's address and the signing secret")
    .option(...storeOption)
    .action((options: NotifyOptions) => showNotify(io, options).catch(fail));
  command
    .command("clear")
    .description("no default target (goals started with --notify still tell theirs); the secret stays")
    .option(...storeOption)
    .action((options: NotifyOptions) => clearNotify(io, options).catch(fail));
  return command;
}
