import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost, type TurnKind } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { FakeClock, ScriptedModel, settle } from "@goal-lease/sdk/testing";
import { afterAll, expect, it } from "vitest";
import { owner, report } from "../test/goal-harness.js";
import { createGoalPlugin } from "./index.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-user-first-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it("runs a message typed right after /goal start before the goal's first continuation (plain SQLite)", async () => {
  const store = SqliteStore.open(join(directory, `${randomUUID()}.db`));
  const clock = new FakeClock();
  // The person's turn is answered first, then the continuation reports done.
  const model = new ScriptedModel([{ text: "hello to you" }, report("done", "the report is written")]);
  const host = await createHost({ model, plugins: [createGoalPlugin()], clock, store });
  const starts: TurnKind[] = [];
  host.on("turn-start", ({ kind }) => starts.push(kind));
  await host.openSession({ sessionKey: "s1" });

  await host.send({ sessionKey: "s1", text: "/goal start write a report", sender: owner });
  // The continuation falls due and its admission begins (it awaits the store and the plugin)...
  void clock.advance(0);
  // ...while the person's next message arrives.
  const hello = host.send({ sessionKey: "s1", text: "hello", sender: owner });
  await hello;
  await settle(host, clock);

  expect(starts).toEqual(["user", "continuation"]);
  await host.close();
  await store.close();
  model.verify();
});
