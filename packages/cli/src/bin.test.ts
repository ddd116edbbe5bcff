import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { readStoredGoal } from "@goal-lease/goal-plugin";
import { SqliteStore } from "@goal-lease/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodes } from "./exit-codes.js";

const packageRoot = new URL("..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "goal-lease-bin-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// The real binary, so compile it first (incremental: quick when nothing changed).
beforeAll(() => {
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", packageRoot]);
}, 120_000);

describe("the goal-lease process", () => {
  it("ends a run whose reader went away (| head -4) as Ctrl-C does: goal paused, exit 4, no stack trace", async () => {
    const store = join(directory, "state.db");
    const child = spawn(
      process.execPath,
      [join(packageRoot, "dist/bin.js"), "demo", "--delay", "200", "--store", store],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    // What `head -4` does: read four lines, then close the pipe.
    let seen = "";
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        seen += chunk;
        if (seen.split("\n").length > 4) {
          child.stdout.destroy();
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, stderr).toBe(exitCodes.paused);
    expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    const reader = SqliteStore.open(store);
    const goal = await readStoredGoal(reader, "demo");
    await reader.close();
    expect(goal?.status).toBe("paused");
    expect(goal?.events.findLast((event) => event.type === "status")).toMatchObject({
      reason: "paused: the output was closed",
    });
  }, 60_000);
});
