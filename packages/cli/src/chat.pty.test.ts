import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageRoot = new URL("..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "goal-lease-pty-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// The terminal runs the real binary, so compile it first (incremental: quick when nothing changed).
beforeAll(() => {
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", packageRoot]);
}, 120_000);

describe("goal-lease chat in a real terminal", () => {
  it("shows the live status line, marks continuations, pauses on Ctrl-C and exits on the second", () => {
    const output = execFileSync(
      "python3",
      [
        join(packageRoot, "test/pty-chat.py"),
        process.execPath,
        join(packageRoot, "dist/bin.js"),
        "chat",
        "--session",
        "pty",
      ],
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
  }, 120_000);

  it("exits 0 on Ctrl-C at an idle prompt, leaving the shell's prompt on a line of its own", () => {
    const output = execFileSync(
      "python3",
      [
        join(packageRoot, "test/pty-chat.py"),
        "--idle-ctrl-c",
        process.execPath,
        join(packageRoot, "dist/bin.js"),
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
  }, 60_000);
});
