import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNotifySettings, readStoredGoal } from "@goal-lease/goal-plugin";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { notifyReceiver } from "../test/notify-receiver.js";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-notify-run-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const receivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});
let stores = 0;

async function receiver(answer?: (index: number) => number) {
  const started = await notifyReceiver(answer);
  receivers.push(started);
  return started;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const test = createTestIo({ NO_COLOR: "1", ...env });
  const code = await runCli(test.io, args);
  return { code, stdout: test.stdout(), stderr: test.stderr() };
}

async function storedSecret(store: string): Promise<string> {
  const reader = SqliteStore.open(store);
  try {
    return (await readNotifySettings(reader)).secret ?? "";
  } finally {
    await reader.close();
  }
}

describe("goal-lease notify", () => {
  it("sets the store's default, which a goal run there tells once, signed with the secret notify show prints", async () => {
    const hook = await receiver();
    const store = join(directory, `${++stores}.db`);
    const set = await cli(["notify", "set", hook.url, "--store", store]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("now notify http://127.0.0.1:");
    const shown = await cli(["notify", "show", "--store", store]);
    expect(shown.stdout).toContain(`default:    ${hook.url}`);
    const secret = /secret: +(\S+)/.exec(shown.stdout)?.[1] ?? "";
    expect(secret).toBe(await storedSecret(store));
    expect(secret.length).toBeGreaterThanOrEqual(40);

    const run = await cli(["run", "write the guide", "--store", store, "--session", "s1"]);
    expect(run.code, run.stderr).toBe(exitCodes.done);
    expect(hook.received).toHaveLength(1);
    expect(hook.verified(secret, hook.received[0])).toBe(true);
    expect(hook.received[0]?.payload).toMatchObject({ session: "s1", status: "done", by: "model" });
    const reader = SqliteStore.open(store);
    expect((await readStoredGoal(reader, "s1"))?.notification).toMatchObject({
      id: hook.received[0]?.delivery,
      state: "sent",
    });
    await reader.close();

    const cleared = await cli(["notify", "clear", "--store", store]);
    expect(cleared.stdout).toContain("no longer notify http://127.0.0.1:");
    const after = await cli(["notify", "show", "--store", store]);
    expect(after.stdout).toContain("default:    none");
    expect(after.stdout).toContain(`secret:     ${secret}`);
  });

  it("refuses a target that is not an http(s) URL or desktop", async () => {
    const set = await cli(["notify", "set", "ftp://files.example/x", "--store", join(directory, "x.db")]);
    expect(set.code).toBe(exitCodes.error);
    expect(set.stderr).toMatch(/is not a notify target; give an http\(s\) URL or desktop/);
  });
});

describe("goal-lease run --notify", () => {
  it("tells the goal's own target, ahead of $GOAL_LEASE_NOTIFY and the store's default", async () => {
    const own = await receiver();
    const fromEnv = await receiver();
    const store = join(directory, `${++stores}.db`);
    await cli(["notify", "set", fromEnv.url, "--store", store]);
    const run = await cli(["run", "write the guide", "--store", store, "--notify", own.url], {
      GOAL_LEASE_NOTIFY: fromEnv.url,
    });
    expect(run.code, run.stderr).toBe(exitCodes.done);
    expect(own.received.map((entry) => entry.payload.status)).toEqual(["done"]);
    expect(fromEnv.received).toEqual([]);
  });

  it("uses $GOAL_LEASE_NOTIFY when the goal names none, and refuses one that is not a target", async () => {
    const fromEnv = await receiver();
    const store = join(directory, `${++stores}.db`);
    const run = await cli(["run", "write the guide", "--store", store], { GOAL_LEASE_NOTIFY: fromEnv.url });
    expect(run.code, run.stderr).toBe(exitCodes.done);
    expect(fromEnv.received).toHaveLength(1);
    expect(fromEnv.verified(await storedSecret(store), fromEnv.received[0])).toBe(true);

    const bad = await cli(["run", "write the guide", "--store", store], { GOAL_LEASE_NOTIFY: "mailto:me" });
    expect(bad.code).toBe(exitCodes.error);
    expect(bad.stderr).toContain('GOAL_LEASE_NOTIFY is "mailto:me", not an http(s) URL or desktop');
  });

  it("waits, before it exits, for a notification the receiver first refuses", async () => {
    const hook = await receiver((index) => (index === 0 ? 503 : 200));
    const store = join(directory, `${++stores}.db`);
    const run = await cli(["run", "write the guide", "--store", store, "--notify", hook.url]);
    expect(run.code, run.stderr).toBe(exitCodes.done);
    expect(hook.received).toHaveLength(2);
    expect(new Set(hook.received.map((entry) => entry.delivery)).size).toBe(1);
  });

  it("refuses --notify that is not a target, before anything runs", async () => {
    const run = await cli(["run", "write the guide", "--notify", "nowhere"]);
    expect(run.code).toBe(exitCodes.error);
    expect(run.stderr).toContain('--notify needs an http(s) URL or desktop, not "nowhere"');
  });
});
