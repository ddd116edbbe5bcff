import { MemoryStore } from "@goal-lease/sdk";
import { createTestHost, ScriptedModel, type TestHost } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { owner } from "../test/goal-harness.js";
import { createGoalPlugin } from "./index.js";

/** A memory store that counts reads of the goal. */
class CountingStore extends MemoryStore {
  goalReads = 0;
  override async readState(pluginId: string, scope: string, key: string) {
    if (pluginId === "goal") this.goalReads++;
    return super.readState(pluginId, scope, key);
  }
}

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

describe("reading the goal", () => {
  it("never reads back from the store what the session's owner wrote itself", async () => {
    const store = new CountingStore();
    const model = new ScriptedModel(Array.from({ length: 10 }, (_, index) => ({ text: `step ${index}` })));
    testHost = await createTestHost({ model, store, plugins: [createGoalPlugin()] });
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "/goal start go on --max-turns 10", sender: owner });
    const started = store.goalReads;
    await testHost.settle();
    // The goal was written by this host when it started: ten turns and the stop at the cap read its copy.
    expect(store.goalReads - started).toBe(0);
  });
});
