import type { HostStore } from "@goal-lease/sdk";
import {
  createTestHost,
  FakeClock,
  ScriptedModel,
  type ScriptedStep,
  type TestHost,
} from "@goal-lease/sdk/testing";
import { GoalNotifier, type GoalNotifierOptions } from "../../src/goal-notify/goal-notifier.js";
import { createGoalPlugin } from "../../src/index.js";
import { owner } from "../goal-harness.js";
import { startReceiver } from "./receiver.js";

/** The signing secret the notified host's settings give, and its receivers check. */
export const testSecret = "a-test-secret-of-some-length";

/** Cleans up what a test made; call {@link cleanUp} after each test. */
const cleanups: (() => Promise<void>)[] = [];

export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** A receiver checking {@link testSecret}, closed at {@link cleanUp}. */
export async function receiver() {
  const started = await startReceiver(testSecret);
  cleanups.push(started.close);
  return started;
}

/** A test host with the goal plugin, its notifier on the host's fake clock, session s1 open. */
export interface NotifiedHost extends TestHost {
  notifier: GoalNotifier;
  /** Sends text to s1 as its owner: a command's reply, or the turn's text. */
  send(text: string): Promise<string>;
  /** Runs the host until it settles and every delivery has ended, moving the fake clock for retries. */
  drain(): Promise<void>;
}

export async function notifiedHost(
  steps: ScriptedStep[],
  options: GoalNotifierOptions & { store?: HostStore } = {},
): Promise<NotifiedHost> {
  const clock = new FakeClock();
  const notifier = new GoalNotifier({ clock, settings: async () => ({ secret: testSecret }), ...options });
  const test = await createTestHost({
    model: new ScriptedModel(steps),
    clock,
    store: options.store,
    plugins: [createGoalPlugin({ notifier })],
  });
  cleanups.push(() => test.dispose());
  await test.host.openSession({ sessionKey: "s1" });
  return {
    ...test,
    notifier,
    async send(text) {
      const result = await test.host.send({ sessionKey: "s1", text, sender: owner });
      return result.kind === "command" ? result.command.reply : result.turn.text;
    },
    async drain() {
      await test.settle();
      for (const deadline = Date.now() + 10_000; notifier.busy; ) {
        if (Date.now() > deadline) throw new Error("the deliveries did not end");
        if (clock.pendingTimers > 0) await clock.runNext();
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
}
