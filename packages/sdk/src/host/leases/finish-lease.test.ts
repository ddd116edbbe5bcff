import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../../test/probe-plugin.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { createTestHost, ScriptedModel, type ScriptedStep, type TestHost } from "../../testing/index.js";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.dispose();
});

/** A memory store whose next `finishLease` fails. */
class FailingFinish extends MemoryStore {
  failNext = false;
  override async finishLease(id: string) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("finish failed (injected)");
    }
    await super.finishLease(id);
  }
}

/** A turn that asks for the next continuation: the tool call, then the model's closing words. */
const goOn: ScriptedStep[] = [
  { toolCalls: [{ name: "probe_continue", input: { leaseKey: "next", message: "go on" } }] },
  { text: "asked" },
];

describe("forgetting a continuation's started lease once its turn has ended", () => {
  it("is awaited before the host is idle: no started lease is left", async () => {
    const store = new FailingFinish();
    const model = new ScriptedModel([...goOn, ...goOn, { text: "done" }]);
    const testHost = await createTestHost({ model, store, plugins: [createProbe().plugin] });
    hosts.push(testHost);
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "/probe-lease next go on", sender: owner });
    await testHost.settle();
    expect(model.requests).toHaveLength(5);
    expect(await store.listStartedLeases()).toEqual([]);
  });

  it("reports a failure as a host error, and the session goes on", async () => {
    const store = new FailingFinish();
    const model = new ScriptedModel([...goOn, { text: "done" }]);
    const testHost = await createTestHost({ model, store, plugins: [createProbe().plugin] });
    hosts.push(testHost);
    const errors: string[] = [];
    testHost.host.on("host-error", (event) => errors.push(event.message));
    await testHost.host.openSession({ sessionKey: "s1" });
    store.failNext = true;
    await testHost.host.send({ sessionKey: "s1", text: "/probe-lease next go on", sender: owner });
    await testHost.settle();
    expect(errors).toEqual(["finish failed (injected)"]);
    expect(model.requests).toHaveLength(3);
    // What the failed write left is what a crash would leave: recovery reports it interrupted, never replays it.
    expect(await store.listStartedLeases()).toHaveLength(1);
  });
});
