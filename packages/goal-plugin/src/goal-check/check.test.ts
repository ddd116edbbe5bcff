import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { createTestHost, ScriptedModel } from "@goal-lease/sdk/testing";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import {
  createGoalHarness,
  type GoalHarness,
  owner,
  report,
  storedGoalWithEvents,
} from "../../test/goal-harness.js";
import { createGoalPlugin, readStoredGoal } from "../index.js";

const folder = mkdtempSync(join(tmpdir(), "goal-lease-check-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

/** A check script: fails (printing why) until it has run `passOn` times, counting runs in `counter`. */
function flakyCheck(name: string, passOn: number): string {
  const script = join(folder, `${name}.cjs`);
  writeFileSync(
    script,
    `const fs = require("fs"); const file = process.argv[2];
     const runs = (fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8")) : 0) + 1;
     fs.writeFileSync(file, String(runs));
     if (runs < ${passOn}) { console.log("2 tests failed: expected 4, got 5 (run " + runs + ")"); process.exit(1); }
     console.log("all tests passed");`,
  );
  return `node ${JSON.stringify(script)} ${JSON.stringify(join(folder, `${name}.count`))}`;
}

/** Runs the host until it is idle with no check running (checks are real processes, in real time). */
async function settleWithChecks(goalHarness: GoalHarness): Promise<void> {
  for (;;) {
    await goalHarness.settle();
    const goal = await goalHarness.goal();
    if (!goal?.check?.running) return;
    // A bound on a hang (real processes), not a speed check.
    await vi.waitFor(async () => expect((await goalHarness.goal())?.check?.running).toBeUndefined(), {
      timeout: 20_000,
      interval: 20,
    });
  }
}

const done = (note: string) => report("done", note);

/** A store whose lease writes take a while, as a remote database's do. */
class SlowLeaseStore extends MemoryStore {
  override async putLease(...args: Parameters<MemoryStore["putLease"]>) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return super.putLease(...args);
  }
}

/** Whether a process runs (a zombie waiting for its parent to reap it does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("a goal's check", () => {
  it("that fails twice then passes costs exactly two more continuations, each told what it printed", async () => {
    const check = flakyCheck("twice", 3);
    harness = await createGoalHarness([
      done("tests fixed"),
      done("fixed for real"),
      done("really fixed now"),
    ]);
    expect(await harness.command(`/goal start fix the tests --check ${JSON.stringify(check)}`)).toMatch(
      /^Goal started/,
    );
    await settleWithChecks(harness);

    const goal = await harness.goal();
    expect(goal).toMatchObject({
      status: "done",
      statusReason: "really fixed now (the check passed)",
      continuations: 3,
      check: { command: check, runs: 3, failures: 2, last: { passed: true, exitCode: 0 } },
    });
    const types = goal?.events.map((event) => event.type).filter((type) => type.startsWith("check-"));
    expect(types).toEqual([
      "check-started",
      "check-failed",
      "check-started",
      "check-failed",
      "check-started",
      "check-passed",
    ]);
    // The continuation after a failed check says so, with what it printed.
    const inputs = harness.model.requests.map((request) => String(request.messages.at(-1)?.content));
    expect(inputs[1]).toMatch(/the person's check \(.*\) exited 1, so it is not done/);
    expect(inputs[1]).toContain("2 tests failed: expected 4, got 5 (run 1)");
    expect(await harness.command("/goal status")).toMatch(
      /^Check: ".*" \(3 runs, 2 failed; last passed in /m,
    );
  });

  it("has been acted on once the host is idle after its result is on record", async () => {
    const store = new SlowLeaseStore();
    const testHost = await createTestHost({
      model: new ScriptedModel([done("fixed"), { text: "reading what the check printed" }]),
      store,
      plugins: [createGoalPlugin()],
    });
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({
      sessionKey: "s1",
      text: '/goal start fix --max-turns 2 --check "false"',
      sender: owner,
    });
    await testHost.settle();
    // A bound on a hang (a real process), not a speed check.
    await vi.waitFor(async () => expect((await readStoredGoal(store, "s1"))?.check?.last).toBeDefined(), {
      timeout: 20_000,
      interval: 5,
    });
    // The failed check's continuation is on record and has run, not still on its way to the store.
    await testHost.settle();
    expect(await readStoredGoal(store, "s1")).toMatchObject({
      status: "turn_limited",
      continuations: 2,
      check: { failures: 1 },
    });
    await testHost.dispose();
  });

  it("that runs past its limit is killed with everything it started, and counts as failed", async () => {
    const pids = join(folder, "hang.pids");
    const script = join(folder, "hang.cjs");
    writeFileSync(
      script,
      `const { spawn } = require("child_process"); const fs = require("fs");
       const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
       fs.writeFileSync(${JSON.stringify(pids)}, process.pid + " " + child.pid);
       setInterval(() => {}, 1000);`,
    );
    harness = await createGoalHarness([done("done, surely"), report("blocked", "the check hangs")]);
    await harness.command(`/goal start ship --check "node ${script}" --check-timeout 1s`);
    await settleWithChecks(harness);

    expect(await harness.goal()).toMatchObject({
      status: "blocked",
      check: { runs: 1, failures: 1, last: { passed: false, timedOut: true, exitCode: null } },
    });
    expect(String(harness.model.requests[1]?.messages.at(-1)?.content)).toMatch(/ran past its 1s limit/);
    for (const pid of readFileSync(pids, "utf8").split(" ").map(Number)) expect(running(pid)).toBe(false);
  });

  it("is stopped by the person's pause, and then nothing continues", async () => {
    const marker = join(folder, "paused.marker");
    harness = await createGoalHarness([done("all done")]);
    await harness.command(
      `/goal start ship --check ${JSON.stringify(`node -e "setTimeout(() => require('fs').writeFileSync(process.argv[1], 'ran'), 1000)" ${marker}`)}`,
    );
    await harness.settle();
    expect((await harness.goal())?.check?.running).toBeDefined();
    expect(await harness.command("/goal pause lunch")).toMatch(/^Goal paused/);
    await harness.settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "paused", statusReason: "lunch", check: { runs: 0 } });
    expect(harness.model.requests).toHaveLength(1);
    // Killed: it never got to write its marker, well past when it would have.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(() => readFileSync(marker)).toThrow();
  });

  it("is the person's: done typed by them finishes without it, and the model cannot name one", async () => {
    harness = await createGoalHarness([
      { toolCalls: [{ name: "goal_status", input: { status: "done", note: "ok", check: "true" } }] },
      { text: "I will keep going." },
    ]);
    await harness.command('/goal start ship --max-turns 1 --check "false"');
    await harness.settle();
    const [result] = await harness.toolResults();
    expect(result).toMatchObject({ isError: true });
    expect(result?.content).toMatch(/check/);
    expect(await harness.command("/goal done shipped by hand")).toBe("Goal marked done.");
    expect(await harness.goal()).toMatchObject({ status: "done", check: { runs: 0 } });
  });

  it("that cannot start blocks the goal with the reason", async () => {
    harness = await createGoalHarness([done("done")]);
    await harness.command('/goal start ship --check "no-such-program-goal-lease --all"');
    await settleWithChecks(harness);
    expect(await harness.goal()).toMatchObject({
      status: "blocked",
      statusReason: 'the check could not start: no program "no-such-program-goal-lease" to run',
    });
  });

  it("runs in the session's working folder, and again after a restart cut it short", async () => {
    const work = mkdtempSync(join(folder, "work-"));
    writeFileSync(join(work, "ready"), "yes");
    const path = join(folder, "restart.db");
    const check = `node -e "setTimeout(() => process.exit(require('fs').existsSync('ready') ? 0 : 3), 300)"`;
    const plugins = () => [createGoalPlugin({ checkFolder: () => work })];
    const first = await createTestHost({
      model: new ScriptedModel([done("done")]),
      store: SqliteStore.open(path),
      plugins: plugins(),
    });
    await first.host.openSession({ sessionKey: "s1" });
    await first.host.send({
      sessionKey: "s1",
      text: `/goal start ship --check ${JSON.stringify(check)}`,
      sender: owner,
    });
    await first.settle();
    await first.dispose();

    const store = SqliteStore.open(path);
    const second = await createTestHost({ model: new ScriptedModel([]), store, plugins: plugins() });
    await second.host.openSession({ sessionKey: "s1" });
    await vi.waitFor(
      async () =>
        expect((await second.host.store.readState("goal", "s1", "goal"))?.value).toMatchObject({
          status: "done",
        }),
      { timeout: 20_000, interval: 20 },
    );
    // Run again by the process that took the session over, not finished by the one that left it.
    const goal = await storedGoalWithEvents(store, "s1");
    expect(goal?.events.filter((event) => event.type === "check-started")).toHaveLength(2);
    expect(goal?.check).toMatchObject({ runs: 1, failures: 0 });
    await second.dispose();
    await store.close();
  });
});
