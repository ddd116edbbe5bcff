import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPage } from "../../../scripts/build-page.ts";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";
import { startServer } from "./serve/server.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-names-"));
const page = join(directory, "page");
beforeAll(() => buildPage(page));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const owner = { id: "owner", isOwner: true };
const token = "test-token-0123456789abcdef";
const waitHour = {
  toolCalls: [{ name: "goal_status", input: { status: "waiting", wait_seconds: 3_600, note: "CI" } }],
};

// A change travels as data (plugin, verb, input): it applies whatever the owner calls its goal command.
describe.each(["goal", "goal-lease", "objective"])("an owner whose goal command is /%s", (name) => {
  it("applies changes from any shell and from the HTTP API, and says which it did not apply", async () => {
    const path = join(directory, `${name}.db`);
    const store = SqliteStore.open(path);
    const model = new ScriptedModel([waitHour]);
    const plugins = [createGoalPlugin({ commandName: name })];
    const host = await createHost({ model, store, plugins, inboxPollMs: 20 });
    const serverStore = SqliteStore.open(path);
    const server = await startServer({
      store: serverStore,
      token,
      host: "127.0.0.1",
      port: 0,
      pollMs: 50,
      pageDirectory: page,
    });
    try {
      await host.openSession({ sessionKey: "s1" });
      await host.send({ sessionKey: "s1", text: `/${name} start ship it`, sender: owner });
      await expect.poll(async () => (await readStoredGoal(store, "s1"))?.status).toBe("waiting");
      const cli = async (...args: string[]) => {
        const test = createTestIo();
        const code = await runCli(test.io, [...args, "--session", "s1", "--store", path]);
        return { code, stdout: test.stdout(), stderr: test.stderr() };
      };

      expect(await cli("pause", "--note", "lunch")).toEqual({
        code: 0,
        stdout: `Goal paused. /${name} resume continues it.\n`,
        stderr: "",
      });
      expect(await cli("pause")).toEqual({
        code: exitCodes.notApplied,
        stdout: "",
        stderr: "The goal is paused, not active, so there is nothing to pause.\n",
      });
      const api = (verb: string, body: object) =>
        fetch(`${server.origin}/api/goals/s1/${verb}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
      const edited = await api("edit", { objective: "ship it and tag it" });
      expect([edited.status, await edited.json()]).toEqual([
        200,
        { status: "answered", reply: 'Objective updated: "ship it and tag it".', applied: true },
      ]);
      const woken = await api("wake", {});
      expect([woken.status, await woken.json()]).toEqual([
        409,
        {
          status: "answered",
          reply: "The goal is paused, not waiting, so there is nothing to wake.",
          applied: false,
        },
      ]);
      expect(await readStoredGoal(store, "s1")).toMatchObject({
        status: "paused",
        statusReason: "lunch",
        objective: "ship it and tag it",
      });
    } finally {
      await server.close();
      await host.close();
      await serverStore.close();
      await store.close();
    }
  });
});
