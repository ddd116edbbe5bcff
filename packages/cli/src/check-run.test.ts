import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStoredGoal } from "@goal-lease/goal-plugin";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterAll, expect, it } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-check-run-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it("goal-lease run --check: the model's done stands only once the check passes; a failed check costs one more turn", async () => {
  const script = join(directory, "flaky.cjs");
  const count = join(directory, "count");
  writeFileSync(
    script,
    `const fs = require("fs"); const n = (fs.existsSync(process.argv[2]) ? Number(fs.readFileSync(process.argv[2], "utf8")) : 0) + 1;
     fs.writeFileSync(process.argv[2], String(n)); if (n < 2) { console.log("1 test failed"); process.exit(1); }`,
  );
  const store = join(directory, "state.db");
  const test = createTestIo({ NO_COLOR: "1" });
  const check = `node ${JSON.stringify(script)} ${JSON.stringify(count)}`;
  const code = await runCli(test.io, [
    "run",
    "write the guide",
    "--store",
    store,
    "--session",
    "s1",
    "--check",
    check,
  ]);
  expect(code, test.stderr()).toBe(exitCodes.done);
  expect(test.stdout()).toContain(`--check ${JSON.stringify(check)}`);
  expect(test.stdout()).toMatch(/■ goal done: All parts are done\. \(the check passed\)\n$/);
  const reader = SqliteStore.open(store);
  // The demo model reports done at its fifth turn; the failed check sends it round once more.
  expect(await readStoredGoal(reader, "s1")).toMatchObject({
    status: "done",
    continuations: 6,
    check: { command: check, runs: 2, failures: 1, last: { passed: true } },
  });
  await reader.close();
});
