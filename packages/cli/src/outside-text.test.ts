import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";

// Text that would drive a terminal if printed raw: ESC starting a colour, the 8-bit CSI (U+009B) starting
// a screen clear, BEL, DEL, and a right-to-left override.
const hostile = "\u001b[31mred\u009b2J\u0007bell\u007fdel\u202eevil";
const raw = ["\u001b", "\u009b", "\u0007", "\u007f", "\u202e"];
// How it shows: the same `\uXXXX` whether JSON quoting or the terminal's escaping wrote it.
const shown = "\\u001b[31mred\\u009b2J\\u0007bell\\u007fdel\\u202eevil";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-outside-text-"));
const store = join(directory, "state.db");

// An OpenAI-compatible endpoint on loopback whose every word carries the hostile text: a plain reply to
// "hello", to a goal's continuation a reply with a goal_status report that blocks it with a note, and for
// the model "refusing" an error.
const endpoint = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => {
    body += chunk.toString();
  });
  request.on("end", () => {
    const asked = JSON.parse(body) as { model: string; messages: { role: string; content: unknown }[] };
    if (asked.model === "refusing") {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: { message: `refused ${hostile}`, type: "invalid_request_error" } }),
      );
      return;
    }
    const last = asked.messages.at(-1);
    const report = {
      id: "c1",
      type: "function",
      function: {
        name: "goal_status",
        arguments: JSON.stringify({ status: "blocked", note: `note ${hostile}` }),
      },
    };
    const toolCalls = last?.role === "user" && last.content === "hello" ? undefined : [report];
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "local-model",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: `reply ${hostile}`, tool_calls: toolCalls },
            finish_reason: toolCalls ? "tool_calls" : "stop",
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      }),
    );
  });
});
let origin = "";
const model = (name = "local-model") => ["--model", `openai:${name}`, "--base-url", `${origin}/v1`];

beforeAll(async () => {
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const { port } = endpoint.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  endpoint.close();
  endpoint.closeAllConnections();
  rmSync(directory, { recursive: true, force: true });
});

/** Runs `goal-lease ...args` on the store; resolves with what it printed, stdout and stderr together. */
async function cli(args: string[], input?: string) {
  const test = createTestIo({ OPENAI_API_KEY: "local" });
  if (input !== undefined) test.stdin.end(input);
  const code = await runCli(test.io, [...args, "--store", store]);
  return { code, printed: test.stdout() + test.stderr() };
}

function expectNoneRaw(printed: string) {
  for (const char of raw) expect(printed, `raw U+${char.charCodeAt(0).toString(16)}`).not.toContain(char);
}

describe("text from outside, on the terminal", () => {
  it("shows control and bidi characters of an objective, a model's reply and notes escaped in run, chat, status and events", async () => {
    const run = await cli(["run", `ship ${hostile}`, "--session", "s", ...model()]);
    expect(run.code).toBe(exitCodes.blocked);
    expectNoneRaw(run.printed);
    expect(run.printed).toContain(`Goal started: "ship ${shown}"`);
    expect(run.printed).toContain(`  reply ${shown}\n`);
    expect(run.printed).toContain(`■ goal blocked: note ${shown}\n`);

    // A script's JSON lines: escaped the same way, and still JSON carrying the text as it came.
    const json = await cli(["run", `ship ${hostile}`, "--session", "j", "--json", ...model()]);
    expect(json.code).toBe(exitCodes.blocked);
    expectNoneRaw(json.printed);
    const events = json.printed
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; objective?: string; text?: string });
    expect(events[0]).toMatchObject({ type: "goal-started", objective: `ship ${hostile}` });
    expect(events.find((event) => event.type === "turn-end")?.text).toBe(`reply ${hostile}`);

    // A person's note goes in as the dashboard's and a webhook's do: as the note of a /goal command.
    const chat = await cli(
      ["chat", "--session", "s", ...model()],
      `hello\n/goal status\n/goal done ${hostile}\n`,
    );
    expect(chat.code).toBe(0);
    expectNoneRaw(chat.printed);
    expect(chat.printed).toContain(`reply ${shown}\n`);
    expect(chat.printed).toContain(`Goal: "ship ${shown}"`);

    // A provider's error message is outside text too.
    const refused = await cli(["run", `ship ${hostile}`, "--session", "e", ...model("refusing")]);
    expect(refused.code).toBe(exitCodes.error);
    expectNoneRaw(refused.printed);
    expect(refused.printed).toContain(`refused ${shown}`);

    const status = await cli(["status", "--session", "s"]);
    expectNoneRaw(status.printed);
    expect(status.printed).toContain(`Goal: "ship ${shown}"`);
    expect(status.printed).toContain(`Status: done ("${shown}")`);

    const list = await cli(["status"]);
    expectNoneRaw(list.printed);
    expect(list.printed).toMatch(/^s\s+done\s+1\/10\s+\S+\s+"ship \\u001b\[31mred\\u009b2J/m);

    const log = await cli(["events", "--session", "s"]);
    expectNoneRaw(log.printed);
    expect(log.printed).toContain(`created: "ship ${shown}"`);
    expect(log.printed).toContain(`active -> blocked by model: "note ${shown}"`);
    expect(log.printed).toContain(`-> done by user: "${shown}"`);
  }, 60_000);
});
