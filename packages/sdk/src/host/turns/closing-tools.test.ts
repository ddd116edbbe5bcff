import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { owner } from "../../../test/probe-plugin.js";
import { definePlugin, defineTool } from "../../index.js";
import { createTestHost, ScriptedModel, type TestHost } from "../../testing/index.js";

let testHost: TestHost | undefined;
afterEach(async () => {
  await testHost?.dispose();
  testHost = undefined;
});

const reporter = definePlugin({
  id: "reporter",
  register(api) {
    api.registerTool(
      defineTool({
        name: "report",
        description: "closes the turn",
        input: z.object({ note: z.string().min(1) }),
        endsTurn: true,
        execute: ({ note }) => `noted: ${note}`,
      }),
    );
    api.registerTool(
      defineTool({
        name: "lookup",
        description: "an ordinary tool",
        input: z.object({}),
        execute: () => "found",
      }),
    );
  },
});

async function turnWith(model: ScriptedModel) {
  testHost = await createTestHost({ model, plugins: [reporter] });
  await testHost.host.openSession({ sessionKey: "s1" });
  const result = await testHost.host.send({ sessionKey: "s1", text: "go", sender: owner });
  const session = await testHost.store.getSession("s1");
  const transcript = await testHost.store.readTranscript("s1", {
    generation: session?.generation ?? 0,
    limit: 50,
  });
  return { result, transcript: transcript.map((entry) => entry.message) };
}

describe("a tool that closes the turn", () => {
  it("ends the turn after its result, with one model call, and keeps the result", async () => {
    const model = new ScriptedModel([
      { text: "Done for now.", toolCalls: [{ name: "report", input: { note: "x" } }] },
    ]);
    const { result, transcript } = await turnWith(model);
    expect(result).toMatchObject({
      kind: "turn",
      turn: { outcome: { status: "completed" }, text: "Done for now." },
    });
    expect(model.requests).toHaveLength(1);
    expect(transcript.at(-1)).toMatchObject({
      role: "tool",
      toolName: "report",
      content: "noted: x",
      isError: false,
    });
  });

  it("sends the result back when the call failed, so the model can correct it", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "report", input: { note: "" } }] },
      { toolCalls: [{ name: "report", input: { note: "fixed" } }] },
    ]);
    const { transcript } = await turnWith(model);
    expect(model.requests).toHaveLength(2);
    expect(model.requests[1]?.messages.at(-1)).toMatchObject({ role: "tool", isError: true });
    expect(transcript.at(-1)).toMatchObject({ role: "tool", content: "noted: fixed" });
  });

  it("goes on when an ordinary tool was called in the same step", async () => {
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: "lookup", input: {} },
          { name: "report", input: { note: "x" } },
        ],
      },
      { text: "read both" },
    ]);
    await turnWith(model);
    expect(model.requests).toHaveLength(2);
  });

  it("leaves a next turn's request well formed: the kept result, then the new message", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: "report", input: { note: "x" } }] },
      { text: "hi" },
    ]);
    await turnWith(model);
    await testHost?.host.send({ sessionKey: "s1", text: "again", sender: owner });
    expect(model.requests[1]?.messages.slice(-2)).toMatchObject([
      { role: "tool", content: "noted: x" },
      { role: "user", content: "again" },
    ]);
  });

  it("is refused at registration when endsTurn is not a boolean", async () => {
    const plugin = definePlugin({
      id: "odd",
      register(api) {
        api.registerTool({
          ...defineTool({ name: "odd", description: "", input: z.object({}), execute: () => "" }),
          endsTurn: "yes" as unknown as boolean,
        });
      },
    });
    await expect(createTestHost({ plugins: [plugin] })).rejects.toThrow(
      /tool odd endsTurn must be true or false/,
    );
  });
});
