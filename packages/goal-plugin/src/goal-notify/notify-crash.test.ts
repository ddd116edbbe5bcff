import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createHost } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startReceiver, until } from "../../test/notify/receiver.js";
import { createGoalPlugin, type Goal, readStoredGoal } from "../index.js";
import { GoalNotifier } from "./goal-notifier.js";
import { notifySettingsWithSecret, readNotifySettings } from "./settings.js";
import { verifyNotification } from "./sign.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-notify-crash-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const child = fileURLToPath(new URL("../../test/notify/notify-child.ts", import.meta.url));
/** The claim's lifetime: the next owner takes the session this long after the first one died. */
const ttlMs = 1_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the child host in `mode`; resolves with its JSON lines and how it ended. */
function runChild(config: object) {
  const process_: ChildProcess = spawn(process.execPath, [child, JSON.stringify({ ttlMs, ...config })], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: process_.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    process_.once("exit", (code, signal) => resolve({ code, signal })),
  );
  cleanups.push(async () => {
    process_.kill("SIGKILL");
    await ended;
  });
  return { process: process_, lines, ended };
}

/** The next owner: a host in this process over the same store, once the dead one's claim has expired. */
async function nextOwner(path: string, target: string) {
  const store = SqliteStore.open(path);
  const notifier = new GoalNotifier({ settings: () => notifySettingsWithSecret(store), target });
  const host = await createHost({
    model: new ScriptedModel([]),
    store,
    plugins: [createGoalPlugin({ notifier })],
    ownership: { ttlMs },
  });
  cleanups.push(async () => {
    await notifier.close();
    await host.close();
    await store.close();
  });
  await until(async () => {
    try {
      await host.openSession({ sessionKey: "s1" });
      return true;
    } catch {
      return false;
    }
  }, "the dead owner's claim to expire");
  await host.idle();
  await notifier.idle();
  return { store, notifier };
}

async function storedGoal(path: string): Promise<{ goal: Goal | undefined; secret: string | undefined }> {
  const store = SqliteStore.open(path);
  try {
    return { goal: await readStoredGoal(store, "s1"), secret: (await readNotifySettings(store)).secret };
  } finally {
    await store.close();
  }
}

async function receiver() {
  const started = await startReceiver();
  cleanups.push(started.close);
  return started;
}

// Real processes, a real store file and a real claim's lifetime (about 1 s per takeover).
describe("a goal's notification across processes", () => {
  it("is sent once in a normal run, signed with the store's secret", async () => {
    const hook = await receiver();
    const path = join(directory, "normal.db");
    const run = runChild({ sqlite: path, target: hook.url, mode: "normal" });
    expect(await run.ended).toEqual({ code: 0, signal: null });
    const { goal, secret } = await storedGoal(path);
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(verifyNotification(secret ?? "", request?.body ?? "", request?.signature ?? "")).toBe(true);
    expect(goal?.notification).toMatchObject({ id: request?.delivery, state: "sent", attempts: 1 });
  }, 30_000);

  it("is sent by the next owner when the owner is killed between the stop and the send, with the stop's delivery id", async () => {
    const hook = await receiver();
    const path = join(directory, "die-at-send.db");
    const run = runChild({ sqlite: path, target: hook.url, mode: "die-at-send" });
    expect((await run.ended).signal).toBe("SIGKILL");
    expect(run.lines.map((line) => line.event)).toContain("dying-at-send");
    const left = (await storedGoal(path)).goal;
    expect(left).toMatchObject({ status: "done", notification: { state: "pending", attempts: 0 } });
    expect(hook.received).toEqual([]);

    await nextOwner(path, hook.url);
    const { goal, secret } = await storedGoal(path);
    expect(hook.received.map((request) => request.delivery)).toEqual([left?.notification?.id]);
    const [request] = hook.received;
    expect(request?.body).toBe(left?.notification?.body);
    expect(verifyNotification(secret ?? "", request?.body ?? "", request?.signature ?? "")).toBe(true);
    expect(request?.payload).toMatchObject({
      status: "done",
      reason: "the report is written",
      session: "s1",
    });
    expect(goal?.notification).toMatchObject({ id: left?.notification?.id, state: "sent" });
  }, 30_000);

  it("is repeated, with the same delivery id and bytes, only when the owner dies between the send and the mark", async () => {
    const hook = await receiver();
    const path = join(directory, "die-after-send.db");
    const run = runChild({ sqlite: path, target: hook.url, mode: "die-after-send" });
    expect((await run.ended).signal).toBe("SIGKILL");
    expect(hook.received).toHaveLength(1);

    await nextOwner(path, hook.url);
    expect(hook.received).toHaveLength(2);
    const [first, second] = hook.received;
    expect(second?.delivery).toBe(first?.delivery);
    expect(second?.body).toBe(first?.body);
    expect((await storedGoal(path)).goal?.notification).toMatchObject({ id: first?.delivery, state: "sent" });
  }, 30_000);

  it("tells of a goal turn a crash cut short, from the owner that takes the session over", async () => {
    const hook = await receiver();
    const path = join(directory, "hang.db");
    const run = runChild({ sqlite: path, target: hook.url, mode: "hang" });
    await until(() => run.lines.some((line) => line.event === "model-called"), "the goal's model call");
    run.process.kill("SIGKILL");
    await run.ended;

    await nextOwner(path, hook.url);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.payload).toMatchObject({
      status: "paused",
      by: "gate",
      reason: expect.stringMatching(/interrupted by a restart/),
    });
  }, 30_000);
});
