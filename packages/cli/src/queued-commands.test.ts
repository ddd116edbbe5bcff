import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoalPlugin, readStoredGoal, readStoredGoalEvents } from "@goal-lease/goal-plugin";
import { createHost } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-queued-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const owner = { id: "owner", isOwner: true };
const waitHour = {
  toolCalls: [{ name: "goal_status", input: { status: "waiting", note: "CI", wait_seconds: 3_600 } }],
};

/**
 * A goal in session s1 of a fresh store file, left waiting an hour by a process that has exited, so a
 * change made now is queued; `cli` runs goal-lease against that store.
 */
async function goalNobodyServes(name: string) {
  const path = join(directory, `${name}.db`);
  const store = SqliteStore.open(path);
  const host = await createHost({
    model: new ScriptedModel([waitHour]),
    store,
    plugins: [createGoalPlugin()],
  });
  await host.openSession({ sessionKey: "s1" });
  await host.send({ sessionKey: "s1", text: "/goal start ship it", sender: owner });
  await expect.poll(async () => (await readStoredGoal(store, "s1"))?.status).toBe("waiting");
  await host.close();
  const cli = async (...args: string[]) => {
    const test = createTestIo();
    const code = await runCli(test.io, [...args, "--store", path]);
    return { code, stdout: test.stdout(), stderr: test.stderr() };
  };
  const queue = async (...args: string[]) => {
    expect(await cli(...args, "--session", "s1")).toEqual({
      code: 0,
      stdout:
        'No process runs session "s1" now: the change waits in the store and applies when one serves the session.\n',
      stderr: "",
    });
  };
  return { store, cli, queue };
}

describe("a change queued while no process served the session", () => {
  it("is applied and shown first when resume opens the session, then the resume runs and the exit code is the goal's end", async () => {
    const { store, cli, queue } = await goalNobodyServes("resume");
    await queue("pause", "--note", "for the weekend");

    const resumed = await cli("resume", "--session", "s1");
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(exitCodes.done);
    const lines = resumed.stdout.split("\n");
    expect(lines.slice(1, 4)).toEqual([
      "queued earlier: pause -- for the weekend → Goal paused. /goal resume continues it.",
      "> /goal resume",
      expect.stringMatching(/^Goal resumed\./),
    ]);
    expect(resumed.stdout).toMatch(/■ goal done: All parts are done\.\n$/);
    expect(await store.listPendingCommands("s1")).toEqual([]);
    const goal = await readStoredGoal(store, "s1");
    const events = goal ? await readStoredGoalEvents(store, "s1", goal) : [];
    const changes = events.flatMap((event) => (event.type === "status" ? [[event.to, event.reason]] : []));
    expect(changes.slice(-3)).toEqual([
      ["paused", "for the weekend"],
      ["active", expect.any(String)],
      ["done", "All parts are done."],
    ]);
    await store.close();
  });

  it("that stopped the goal for good is shown before resume says there is nothing to resume", async () => {
    const { store, cli, queue } = await goalNobodyServes("done");
    await queue("done", "--note", "shipped by hand");

    const resumed = await cli("resume", "--session", "s1");
    expect(resumed.code).toBe(exitCodes.error);
    expect(resumed.stdout.split("\n")[1]).toBe("queued earlier: done -- shipped by hand → Goal marked done.");
    expect(resumed.stderr).toBe(
      'error: session s1 has no goal to resume; start one with goal-lease run "<objective>" --session s1.\n',
    );
    expect((await readStoredGoal(store, "s1"))?.status).toBe("done");
    await store.close();
  });

  it("is the first JSON line of a run in that session, before the goal it starts", async () => {
    const { store, cli, queue } = await goalNobodyServes("run");
    await queue("clear");

    const run = await cli("run", "tag the release", "--session", "s1", "--max-turns", "1", "--json");
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(exitCodes.limitReached);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.slice(0, 2)).toEqual([
      {
        type: "command-forwarded",
        sessionKey: "s1",
        change: "clear",
        applied: true,
        reply: expect.stringMatching(/^Goal cleared/),
        queued: true,
      },
      { type: "goal-started", sessionKey: "s1", objective: "tag the release" },
    ]);
    await store.close();
  });
});
