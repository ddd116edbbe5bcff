import { HostUsageError, type Model, type ModelRequest, type ModelResponse } from "@goal-lease/sdk";
import { createTestHost, type TestHost } from "@goal-lease/sdk/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGoalPlugin } from "./index.js";

const owner = { id: "owner", isOwner: true };
const guest = { id: "guest", isOwner: false };

/** A model that answers every goal turn with the next fuzzed goal_status input, valid or not. */
class FuzzModel implements Model {
  readonly id = "fuzz";
  readonly inputs: unknown[] = [];
  toolResults = 0;
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const last = request.messages.at(-1);
    const usage = { inputTokens: 3, outputTokens: 2 };
    if (last?.role === "tool") {
      this.toolResults++;
      checkToolResult(last.content, last.isError);
      return { text: "ok", toolCalls: [], usage };
    }
    const input = this.inputs.shift();
    if (input === undefined) return { text: "nothing to do", toolCalls: [], usage };
    return { text: "", toolCalls: [{ id: "fuzz", name: "goal_status", input }], usage };
  }
}

function checkToolResult(content: string, isError: boolean): void {
  expect(content).not.toContain("\n");
  if (isError) expect(content).toMatch(/^Invalid input for goal_status: .+\.$|^Unknown tool/);
  else expect(JSON.parse(content)).toHaveProperty("accepted");
}

const word = fc.constantFrom(
  "start",
  "status",
  "pause",
  "resume",
  "done",
  "edit",
  "clear",
  "events",
  "help",
  "frob",
  "",
);
const flag = fc.constantFrom("--max-turns", "--budget", "--time", "--foo", "--", "-x");
const value = fc.oneof(
  fc.constantFrom("0", "1", "10", "5k", "2m", "90s", "1h30m", "-1", "abc", "1e9", "999999999999"),
  fc.string({ maxLength: 6 }),
);
const commandLine = fc
  .tuple(
    fc.constantFrom("/goal", "/GOAL", "/goal-x", "/nope", "/g0al"),
    word,
    fc.array(fc.oneof(fc.string({ maxLength: 12 }), flag, value), { maxLength: 6 }),
    fc.boolean(),
  )
  .map(
    ([name, sub, rest, withNoise]) =>
      [name, sub, ...rest].join(" ") + (withNoise ? " \u0000\u202e\t\"'" : ""),
  );
const line = fc.oneof(
  { weight: 3, arbitrary: commandLine },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const toolInput = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      status: fc.oneof(
        fc.constantFrom("continue", "done", "blocked", "waiting_approval", "CONTINUE", ""),
        fc.jsonValue(),
      ),
      note: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ minLength: 490, maxLength: 520 }),
        fc.jsonValue(),
      ),
      sessionKey: fc.constantFrom("s2", "../s2"),
      agentId: fc.string(),
    },
    { requiredKeys: [] },
  ),
);

describe("fuzz: random command lines and tool inputs through the host", () => {
  let testHost: TestHost;
  const model = new FuzzModel();
  beforeAll(async () => {
    testHost = await createTestHost({ model, plugins: [createGoalPlugin({ defaults: { maxTurns: 3 } })] });
    await testHost.host.openSession({ sessionKey: "s1" });
    await testHost.host.openSession({ sessionKey: "s2" });
  });
  afterAll(async () => testHost.dispose());

  it("answers 10,000 command lines and tool inputs with a reply or a clear error, never a crash", async () => {
    let commands = 0;
    await fc.assert(
      fc.asyncProperty(
        line,
        fc.boolean(),
        fc.array(toolInput, { maxLength: 2 }),
        async (text, asOwner, inputs) => {
          model.inputs.push(...inputs);
          commands++;
          const sending = testHost.host.send({ sessionKey: "s1", text, sender: asOwner ? owner : guest });
          if (text.trim() === "") {
            await expect(sending).rejects.toThrow(HostUsageError);
            return;
          }
          const result = await sending;
          if (result.kind === "command") {
            expect(result.command.reply.length).toBeGreaterThan(0);
            expect(["ok", "unknown"]).toContain(result.command.status);
            if (result.command.status === "unknown")
              expect(result.command.reply).toMatch(/^Unknown command \/\S+\. Available: \/goal\.$/);
            if (result.command.reply.startsWith("Usage error:"))
              expect(result.command.reply).toMatch(/^Usage error: [^\n]+$/);
          } else {
            expect(result.turn.outcome.status).not.toBe("error");
          }
          await testHost.settle();
          model.inputs.length = 0;
          // Nothing a fuzzed input does in s1 may touch s2.
          expect(await testHost.store.readState("goal", "s2", "goal")).toBeUndefined();
          expect((await testHost.store.listLeases()).every((lease) => lease.sessionKey === "s1")).toBe(true);
        },
      ),
      { numRuns: 10_000 },
    );
    expect(commands).toBe(10_000);
    expect(model.toolResults).toBeGreaterThan(1_000);
  }, 240_000);
});
