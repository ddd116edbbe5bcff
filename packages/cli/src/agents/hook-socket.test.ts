import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestIo, runCli } from "../../test/test-io.js";
import { relayHookEvent, serveHookSocket } from "./hook-socket.js";

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe("the hook socket", () => {
  it("carries one event to the server and its stdout back", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "goal-lease-socket-")), "claude-1.sock");
    const server = await serveHookSocket(path, async (event) => JSON.stringify({ seen: event }));
    closers.push(() => server.close());
    const output = await relayHookEvent(path, JSON.stringify({ hook_event_name: "Stop" }), 5_000);
    expect(JSON.parse(output ?? "")).toEqual({ seen: { hook_event_name: "Stop" } });
  });

  it("refuses a directory other users can open", () => {
    const directory = mkdtempSync(join(tmpdir(), "goal-lease-socket-"));
    chmodSync(directory, 0o755);
    expect(() => serveHookSocket(join(directory, "claude-3.sock"), async () => "")).toThrow(
      /must be a directory only you can open/,
    );
  });

  it("gives nothing when no server listens", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "goal-lease-socket-")), "claude-2.sock");
    expect(await relayHookEvent(path, "{}", 5_000)).toBeUndefined();
  });
});

describe("goal-lease hook without its server", () => {
  async function hook(event: object) {
    const test = createTestIo({ CLAUDE_PID: "999999999" });
    test.stdin.end(JSON.stringify(event));
    const code = await runCli(test.io, ["hook"]);
    return { code, stdout: test.stdout() };
  }

  it("lets Claude Code stop: a Stop gets no decision", async () => {
    expect(await hook({ hook_event_name: "Stop", session_id: "s" })).toEqual({ code: 0, stdout: "" });
  });

  it("answers the goal command with what to check, so it never reaches the model unanswered", async () => {
    const { code, stdout } = await hook({
      hook_event_name: "UserPromptSubmit",
      session_id: "s",
      prompt: "/goal-lease:goal status",
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      decision: "block",
      reason: expect.stringMatching(/^goal-lease: its server is not running in this Claude Code session/),
    });
  });
});
