import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost } from "@goal-lease/sdk";
import { PostgresStore } from "@goal-lease/sdk/postgres";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import { describe, expect, inject, it } from "vitest";
import { buildPage } from "../../../../scripts/build-page.ts";
import { startServer } from "./server.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

describe("goal-lease serve on PostgreSQL", () => {
  it("lists a goal a host on another connection runs, and pauses it through the store's inbox", async () => {
    const directory = mkdtempSync(join(tmpdir(), "goal-lease-serve-pg-"));
    await buildPage(directory);
    const schema = `serve_${Date.now().toString(36)}`;
    const hostStore = await PostgresStore.open(inject("postgresUrl"), { schema });
    const serverStore = await PostgresStore.open(inject("postgresUrl"), { schema });
    const model = new ScriptedModel([
      { toolCalls: [{ name: "goal_status", input: { status: "waiting", wait_seconds: 3_600, note: "CI" } }] },
    ]);
    const host = await createHost({ model, store: hostStore, plugins: [createGoalPlugin()] });
    const token = "postgres-test-token-0123456789";
    const server = await startServer({
      store: serverStore,
      token,
      host: "127.0.0.1",
      port: 0,
      pageDirectory: directory,
    });
    try {
      await host.openSession({ sessionKey: "pg-1" });
      await host.send({
        sessionKey: "pg-1",
        text: "/goal start ship it",
        sender: { id: "owner", isOwner: true },
      });
      await expect
        .poll(async () => (await readStoredGoal(hostStore, "pg-1"))?.status, { timeout: 30_000 })
        .toBe("waiting");
      const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
      const list = await (await fetch(`${server.origin}/api/goals`, { headers })).json();
      expect(list).toMatchObject({ goals: [{ session: "pg-1", status: "waiting", objective: "ship it" }] });

      const paused = await fetch(`${server.origin}/api/goals/pg-1/pause`, {
        method: "POST",
        headers,
        body: JSON.stringify({ note: "lunch" }),
      });
      expect(paused.status).toBe(200);
      expect(await paused.json()).toEqual({
        status: "answered",
        reply: "Goal paused. /goal resume continues it.",
        applied: true,
      });
      expect(await readStoredGoal(hostStore, "pg-1")).toMatchObject({
        status: "paused",
        statusReason: "lunch",
      });
    } finally {
      await server.close();
      await host.close();
      await hostStore.close();
      await serverStore.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
