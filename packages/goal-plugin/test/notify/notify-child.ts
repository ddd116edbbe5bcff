// One host process for the notification crash tests: it serves session s1 of a SQLite store and starts a
// goal there whose scripted model reports done at once ("die-at-send", "die-after-send", "normal") or never
// answers ("hang"), and says what happens, one JSON line each. It dies by SIGKILL at the moment it would
// send the goal's notification ("die-at-send"), or once the receiver has it and before the store is told
// ("die-after-send"); "hang" waits in the goal's model call for the test to kill it; "normal" exits once its
// notification is delivered.
// Usage: node notify-child.ts CONFIG_JSON   ({ sqlite, target, ttlMs, mode })
import { createHost } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { ScriptedModel, type ScriptedStep } from "@goal-lease/sdk/testing";
import { createGoalPlugin, GoalNotifier, notifySettingsWithSecret } from "../../dist/index.js";

interface Config {
  sqlite: string;
  target: string;
  ttlMs: number;
  mode: "die-at-send" | "die-after-send" | "hang" | "normal";
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config;
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const send = globalThis.fetch;
if (config.mode === "die-at-send") {
  globalThis.fetch = () => {
    say({ event: "dying-at-send" });
    process.kill(process.pid, "SIGKILL");
    return new Promise<Response>(() => {});
  };
} else if (config.mode === "die-after-send") {
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    await send(...args);
    say({ event: "dying-after-send" });
    process.kill(process.pid, "SIGKILL");
    return new Promise<Response>(() => {});
  };
}

const store = SqliteStore.open(config.sqlite);
const notifier = new GoalNotifier({ settings: () => notifySettingsWithSecret(store), target: config.target });
// A turn's start is announced when its claim is sent; only its model call proves the claim landed.
const step: ScriptedStep =
  config.mode === "hang"
    ? () => {
        say({ event: "model-called" });
        return new Promise<never>(() => {});
      }
    : { toolCalls: [{ name: "goal_status", input: { status: "done", note: "the report is written" } }] };
const host = await createHost({
  model: new ScriptedModel([step]),
  store,
  plugins: [createGoalPlugin({ notifier })],
  ownership: { ttlMs: config.ttlMs },
});
host.on("plugin-error", ({ message }) => say({ event: "plugin-error", message }));
await host.openSession({ sessionKey: "s1" });
await host.send({
  sessionKey: "s1",
  text: "/goal start write the report",
  sender: { id: "owner", isOwner: true },
});
say({ event: "started" });
if (config.mode === "normal") {
  await host.idle();
  await notifier.idle();
  await host.close();
  await store.close();
  say({ event: "delivered" });
}
