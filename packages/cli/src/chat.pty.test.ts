import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliBin } from "../../../test/cli-bin.ts";

const packageRoot = new URL("..", import.meta.url).pathname;
// The terminal runs the real binary, bundled once for the run.
const bin = cliBin();
const directory = mkdtempSync(join(tmpdir(), "goal-lease-pty-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("goal-lease chat in a real terminal", () => {
  it("shows the live status line, marks continuations, pauses on Ctrl-C and exits on the second", () => {
    const output = execFileSync(
      "python3",
      [join(packageRoot, "test/pty-chat.py"), process.execPath, bin, "chat", "--session", "pty"],
      {
        env: { ...process.env, NO_COLOR: "1", TERM: "xterm", GOAL_LEASE_STATE: join(directory, "state.db") },
        encoding: "utf8",
        timeout: 90_000,
      },
    );
    const result = JSON.parse(output) as { steps: string[]; screen: string; exit: number };
    expect(result.steps, result.screen).toEqual([
      "prompt",
      "goal started",
      "continuation marked",
      "status line",
      "ctrl-c pauses",
      "status shows paused",
    ]);
    expect(result.screen).toMatch(
      /\[goal \d+\/20 continuations · [\d,]+\/500,000 tokens · \d+s\/1h 00m\] > /,
    );
    expect(result.screen).toContain("↻ continuation 1/20");
    expect(result.screen).toContain("Goal paused. /goal resume continues it. Press Ctrl-C again to exit.");
    expect(result.exit).toBe(0);
    expect(result.screen).toMatch(/\r?\n$/);
    // A bound on a hang, not a speed check: each of pty-chat.py's steps waits up to 20 s for its screen.
  }, 120_000);

  it("exits 0 on Ctrl-C at an idle prompt, leaving the shell's prompt on a line of its own", () => {
    const output = execFileSync(
      "python3",
      [
        join(packageRoot, "test/pty-chat.py"),
        "--idle-ctrl-c",
        process.execPath,
        bin,
        "chat",
        "--session",
        "idle",
      ],
      {
        env: { ...process.env, NO_COLOR: "1", TERM: "xterm", GOAL_LEASE_STATE: join(directory, "state.db") },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    const result = JSON.parse(output) as { steps: string[]; screen: string; exit: number };
    expect(result.steps, result.screen).toEqual(["prompt"]);
    expect(result.exit).toBe(0);
    expect(result.screen).toMatch(/\r?\n$/);
    // A bound on a hang, not a speed check: pty-chat.py waits up to 20 s for the prompt.
  }, 60_000);
});
