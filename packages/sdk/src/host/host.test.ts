import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../test/probe-plugin.js";
import { createTestHost, ScriptedModel, type TestHost } from "../testing/index.js";

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

describe("host turns", () => {
  it("runs a user turn through the model and records usage", async () => {
    const model = new ScriptedModel([{ text: "hello back", usage: { inputTokens: 7, outputTokens: 3 } }]);
    testHost = await createTestHost({ model });
    await testHost.host.openSession({ sessionKey: "s1" });
    const result = await testHost.host.send({ sessionKey: "s1", text: "hello", sender: owner });
    expect(result.kind).toBe("turn");
    if (result.kind !== "turn") return;
    expect(result.turn.text).toBe("hello back");
    expect(result.turn.outcome).toEqual({ status: "completed" });
    expect(result.turn.usage).toMatchObject({ inputTokens: 7, outputTokens: 3, modelCalls: 1 });
  });

  it("runs a continuation after a tool requests a lease", async () => {
    const probe = createProbe();
    const model = new ScriptedModel([
      { toolCalls: [{ name: "probe_continue", input: { leaseKey: "next", message: "keep going" } }] },
      { text: "scheduled" },
      { text: "continued" },
    ]);
    testHost = await createTestHost({ model, plugins: [probe.plugin] });
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.send({ sessionKey: "s1", text: "start", sender: owner });
    await testHost.settle();
    expect(probe.turnEnds.map((t) => t.event.kind)).toEqual(["user", "continuation"]);
    const continuation = model.requests[2]?.messages.at(-1);
    expect(continuation).toEqual({ role: "user", origin: "continuation", content: "keep going" });
  });
});
