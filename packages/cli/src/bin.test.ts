import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, linkSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStoredGoal } from "@goal-lease/goal-plugin";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { cliBin } from "../../../test/cli-bin.ts";
import { exitCodes } from "./exit-codes.js";

const bin = cliBin();
const directory = mkdtempSync(join(tmpdir(), "goal-lease-bin-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("the goal-lease process", () => {
  it("shows the status of a store in a folder its user may only read", () => {
    const folder = mkdtempSync(join(directory, "read-only-"));
    const store = join(folder, "state.db");
    const run = spawnSync(process.execPath, [
      bin,
      "run",
      "tidy the docs",
      "--max-turns",
      "1",
      "--store",
      store,
    ]);
    expect(run.status).toBe(exitCodes.limitReached);
    chmodSync(store, 0o644);
    chmodSync(folder, 0o555);
    // As root the folder's mode binds nobody, so the check runs as an unprivileged user with its own Node
    // (the run's may sit in a folder that user cannot enter), in this test's folder, and the bundled binary.
    const asRoot = process.getuid?.() === 0;
    const node = asRoot ? join(directory, "node") : process.execPath;
    if (asRoot) {
      // A hard link (no 120 MB copy) where the original is everyone's to run and the link can be made.
      const everyones = (statSync(process.execPath).mode & 0o005) === 0o005;
      if (!everyones || !hardLink(process.execPath, node)) {
        copyFileSync(process.execPath, node);
        chmodSync(node, 0o755);
      }
      chmodSync(directory, 0o755);
    }
    const command = asRoot ? "setpriv" : node;
    const args = [...(asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", node] : []), bin];
    const output = execFileSync(command, [...args, "status", "--store", store], { encoding: "utf8" });
    expect(output).toMatch(
      /^SESSION\s+STATUS\s+TURNS\s+SPENT\s+OBJECTIVE\n\S+\s+turn_limited\s+1\/1\s+unknown\s+"tidy the docs"\n$/,
    );
    expect(readdirSync(folder)).toEqual(["state.db"]);
    chmodSync(folder, 0o755);
    // Two Node processes start the 4.5 MB bundle one after the other: seconds on a busy machine.
  }, 60_000);

  it("ends a run whose reader went away (| head -4) as Ctrl-C does: goal paused, exit 4, no stack trace", async () => {
    const store = join(directory, "state.db");
    const child = spawn(process.execPath, [bin, "demo", "--delay", "200", "--store", store], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
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
    expect(goal).toMatchObject({ status: "paused", statusReason: "paused: the output was closed" });
    // A Node process starts the 4.5 MB bundle and runs demo turns of 200 ms each: seconds on a busy machine.
  }, 60_000);
});

function hardLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}
