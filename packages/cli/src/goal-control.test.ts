import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost, type Host, inboxLimits } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { ScriptedModel, type ScriptedStep } from "@goal-lease/sdk/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-control-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const owner = { id: "owner", isOwner: true };
const waitHour = {
  toolCalls: [{ name: "goal_status", input: { status: "waiting", note: "CI", wait_seconds: 3_600 } }],
};
const done = (note: string) => ({ toolCalls: [{ name: "goal_status", input: { status: "done", note } }] });

let running: { host: Host; store: SqliteStore } | undefined;
afterEach(async () => {
  await running?.host.close();
  await running?.store.close();
  running = undefined;
});

/** A host process's goal in session s1 of a fresh store file, left waiting an hour; the CLI runs beside it. */
async function waitingGoal(name: string, steps: ScriptedStep[]) {
  const path = join(directory, `${name}.db`);
  const store = SqliteStore.open(path);
  const model = new ScriptedModel([waitHour, ...steps]);
  const host = await createHost({ model, store, plugins: [createGoalPlugin()], inboxPollMs: 20 });
  running = { host, store };
  await host.openSession({ sessionKey: "s1" });
  await host.send({ sessionKey: "s1", text: "/goal start ship it", sender: owner });
  await expect.poll(async () => (await readStoredGoal(store, "s1"))?.status).toBe("waiting");
  const cli = async (...args: string[]) => {
    const test = createTestIo();
    const code = await runCli(test.io, [...args, "--session", "s1", "--store", path]);
    return { code, stdout: test.stdout(), stderr: test.stderr() };
  };
  // What the owner's own views (its chat line, its agent hooks) hear the moment a change is applied there.
  const heard: { verb: string; reply: string; applied: boolean }[] = [];
  host.on("command-forwarded", ({ verb, reply, applied }) => heard.push({ verb, reply, applied }));
  return { store, model, cli, heard };
}

describe("goal commands from any shell", () => {
  it("wakes a goal another process runs: it answers, and runs the one continuation now", async () => {
    const { store, model, cli, heard } = await waitingGoal("wake", [done("CI passed")]);
    const list = createTestIo();
    await runCli(list.io, ["status", "--store", join(directory, "wake.db")]);
    expect(list.stdout()).toMatch(
      /^SESSION\s+STATUS\s+TURNS\s+SPENT\s+OBJECTIVE\ns1\s+waiting (59m 5\d|1h 00)m?s?\s+1\/10\s+\S+\s+"ship it"\n$/,
    );
    expect((await cli("status")).stdout).toMatch(/Status: waiting \(wakes in (59m 5\ds|1h 00m); for "CI"\)/);
    expect(await cli("wake", "--note", "CI is green")).toEqual({
      code: 0,
      stdout: "Goal woken: its next continuation runs now.\n",
      stderr: "",
    });
    await expect.poll(async () => (await readStoredGoal(store, "s1"))?.status).toBe("done");
    expect(model.requests).toHaveLength(2);
    expect(heard).toEqual([
      { verb: "wake", reply: "Goal woken: its next continuation runs now.", applied: true },
    ]);
  });

  it("pauses, resumes with more, edits and marks done, with the owner's own answers", async () => {
    const { store, cli } = await waitingGoal("verbs", [waitHour]);
    expect((await cli("pause", "--note", "--budget 1 is just words")).stdout).toBe(
      "Goal paused. /goal resume continues it.\n",
    );
    expect(await readStoredGoal(store, "s1")).toMatchObject({
      status: "paused",
      statusReason: "--budget 1 is just words",
    });
    expect((await cli("edit", "--objective", "ship it,   then tag it")).stdout).toMatch(/^Objective updated/);
    expect((await readStoredGoal(store, "s1"))?.objective).toBe("ship it,   then tag it");
    const resumed = await cli("resume", "--max-turns", "5", "--budget", "20k");
    expect(resumed).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Goal resumed\. Limits: 6 continuations, 20,015 tokens/),
    });
    await expect.poll(async () => (await readStoredGoal(store, "s1"))?.continuations).toBe(2);
    expect((await cli("done", "--note", "shipped by hand")).stdout).toBe("Goal marked done.\n");
    expect(await readStoredGoal(store, "s1")).toMatchObject({
      status: "done",
      statusReason: "shipped by hand",
    });
    expect(await cli("done")).toEqual({
      code: exitCodes.notApplied,
      stdout: "",
      stderr: "The goal is done, not open, so there is nothing to mark done.\n",
    });
    expect((await cli("clear")).stdout).toMatch(/^Goal cleared/);
    expect((await readStoredGoal(store, "s1"))?.status).toBe("cleared");
  });

  it("refuses what the /goal command refuses, in its words, exits non-zero, and changes nothing", async () => {
    const { store, cli } = await waitingGoal("refused", []);
    const before = await readStoredGoal(store, "s1");
    const refused = await cli("resume");
    expect(refused.code).toBe(exitCodes.notApplied);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^Cannot resume|^The goal is|^No goal/);
    expect(await readStoredGoal(store, "s1")).toEqual(before);
  });

  it("queues a change for a goal no process runs now, at once, and it applies when one serves the session", async () => {
    const { store, cli } = await waitingGoal("unowned", []);
    await running?.host.close();
    running = undefined;
    const queued = await cli("pause", "--note", "for the weekend");
    expect(queued).toEqual({
      code: 0,
      stdout:
        'No process runs session "s1" now: the change waits in the store and applies when one serves the session.\n',
      stderr: "",
    });
    expect((await readStoredGoal(store, "s1"))?.status).toBe("waiting");

    const host = await createHost({
      model: new ScriptedModel([]),
      store,
      plugins: [createGoalPlugin()],
      inboxPollMs: 20,
    });
    running = { host, store };
    await host.openSession({ sessionKey: "s1" });
    await expect.poll(async () => (await readStoredGoal(store, "s1"))?.status).toBe("paused");
    expect((await readStoredGoal(store, "s1"))?.statusReason).toBe("for the weekend");
  });

  it("refuses, in one line, a change for a session whose process has not taken the commands already waiting", async () => {
    const { store, cli } = await waitingGoal("full", []);
    await running?.host.close();
    running = undefined;
    for (let index = 0; index < inboxLimits.maxPending; index++)
      await store.postCommand({
        sessionKey: "s1",
        pluginId: "goal",
        verb: "status",
        input: {},
        sender: owner,
        postedAt: index,
      });
    expect(await cli("pause")).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: Session "s1" already has ${inboxLimits.maxPending} commands waiting for its process; wait for it to answer them.\n`,
    });
    expect(await store.listPendingCommands("s1")).toHaveLength(inboxLimits.maxPending);
  });

  it("names a session the store does not have, in one line, and posts nothing", async () => {
    const { store } = await waitingGoal("unknown", []);
    const test = createTestIo();
    const code = await runCli(test.io, [
      "done",
      "--session",
      "nope",
      "--store",
      join(directory, "unknown.db"),
    ]);
    expect(code).toBe(1);
    expect(test.stderr()).toBe('error: No session "nope" in this store; goal-lease sessions lists them.\n');
    expect(await store.listPendingCommands()).toEqual([]);
  });

  it("says in one line when the store is not there", async () => {
    const test = createTestIo();
    const code = await runCli(test.io, ["pause", "--session", "s1", "--store", join(directory, "none.db")]);
    expect(code).toBe(1);
    expect(test.stderr()).toMatch(
      /^error: No store at .*none\.db; pass --store with the store the goal's process uses\.\n$/,
    );
  });
});
