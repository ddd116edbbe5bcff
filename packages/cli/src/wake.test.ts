import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost, SqliteStore } from "@goal-lease/sdk";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-wake-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const owner = { id: "owner", isOwner: true };

describe("goal-lease wake", () => {
  it("ends the wait of a goal another process runs: it answers, and runs the one continuation now", async () => {
    const path = join(directory, "state.db");
    const store = SqliteStore.open(path);
    const model = new ScriptedModel([
      { toolCalls: [{ name: "goal_status", input: { status: "waiting", note: "CI", wait_seconds: 3_600 } }] },
      { toolCalls: [{ name: "goal_status", input: { status: "done", note: "CI passed" } }] },
    ]);
    const host = await createHost({ model, store, plugins: [createGoalPlugin()], inboxPollMs: 20 });
    await host.openSession({ sessionKey: "s1" });
    await host.send({ sessionKey: "s1", text: "/goal start ship it", sender: owner });
    await expect.poll(async () => (await readStoredGoal(store, "s1"))?.status).toBe("waiting");

    const test = createTestIo();
    const code = await runCli(test.io, ["wake", "--session", "s1", "--note", "CI is green", "--store", path]);
    expect(code).toBe(0);
    expect(test.stdout()).toBe("Goal woken: its next continuation runs now.\n");
    await expect.poll(async () => (await readStoredGoal(store, "s1"))?.status).toBe("done");
    expect(model.requests).toHaveLength(2);
    await host.close();
    await store.close();
  });

  it("says in one line when the store is not there", async () => {
    const test = createTestIo();
    const code = await runCli(test.io, ["wake", "--session", "s1", "--store", join(directory, "none.db")]);
    expect(code).toBe(1);
    expect(test.stderr()).toMatch(
      /^error: No store at .*none\.db; pass --store with the store the goal's process uses\.\n$/,
    );
  });
});
