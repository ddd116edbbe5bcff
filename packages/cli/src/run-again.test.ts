import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-run-again-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it("goal-lease run in a session whose goal is done follows the new goal to its own end, not the old one's", async () => {
  const store = join(directory, "state.db");
  const first = createTestIo();
  expect(await runCli(first.io, ["run", "tidy the docs", "--session", "s1", "--store", store])).toBe(
    exitCodes.done,
  );

  const again = createTestIo();
  const code = await runCli(again.io, [
    "run",
    "tag it",
    "--session",
    "s1",
    "--store",
    store,
    "--max-turns",
    "1",
  ]);
  expect(again.stderr()).toBe("");
  expect(code, again.stdout()).toBe(exitCodes.limitReached);
  expect(again.stdout()).not.toContain("■ goal done");
  expect(again.stdout()).toMatch(/■ goal turn_limited: .*\n$/);
});
