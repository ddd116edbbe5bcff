import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runChat } from "./chat.ts";

let directory: string;
let storePath: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "embed-host-"));
  storePath = join(directory, "chat.db");
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Runs one chat program over `lines` and returns what it printed, line by line. */
async function chat(lines: string[]): Promise<string[]> {
  const input = new PassThrough();
  let printed = "";
  const output = new Writable({
    write(chunk, _encoding, done) {
      printed += String(chunk);
      done();
    },
  });
  input.end(lines.map((line) => `${line}\n`).join(""));
  await runChat({ input, output, storePath });
  return printed.split("\n").filter((line) => line !== "");
}

describe("the embedded chat", () => {
  it("answers a message with the echo model", async () => {
    const printed = await chat(["hello there"]);
    expect(printed).toContain("assistant: Echo: hello there (user message 1 of this session)");
  });

  it("runs /countdown 2 as two continuation turns, then stops", async () => {
    const printed = await chat(["/countdown 2"]);
    expect(printed.slice(1)).toEqual([
      "Counting down 2 continuation turns.",
      "--- continuation turn (countdown) ---",
      "assistant: Echo of the continuation: Countdown turn 1 of 2: 1 left after this one.",
      "--- continuation turn (countdown) ---",
      "assistant: Echo of the continuation: Countdown turn 2 of 2: 0 left after this one.",
    ]);
  });

  it("keeps the session on the store file from one run to the next", async () => {
    await chat(["first run"]);
    const printed = await chat(["second run"]);
    expect(printed).toContain("assistant: Echo: second run (user message 2 of this session)");

    const store = SqliteStore.open(storePath);
    try {
      const session = await store.getSession("terminal");
      const transcript = await store.readTranscript("terminal", {
        generation: session?.generation ?? 1,
        limit: 10,
      });
      const typed = transcript.map(({ message }) => message).filter((message) => message.role === "user");
      expect(typed.map((message) => message.content)).toEqual(["first run", "second run"]);
    } finally {
      await store.close();
    }
  });

  it("prints a usage error for bad input and keeps going", async () => {
    const printed = await chat(["/countdown 99", "still here"]);
    expect(printed[1]).toMatch(/^Usage: \/countdown/);
    expect(printed).toContain("assistant: Echo: still here (user message 1 of this session)");
  });
});
