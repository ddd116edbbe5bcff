import { execFile } from "node:child_process";
import module from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// The built entry points as a program loads them (by name, through package.json's exports; the run's global
// setup builds dist first), each in a Node.js of its own that records every module it resolves: what an
// entry point makes a program load is part of its contract.
const sdk = fileURLToPath(new URL("..", import.meta.url));
const dist = new URL("../dist/", import.meta.url).href;

const probe = `
import { registerHooks } from "node:module";
const resolved = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.push(result.url);
    return result;
  },
});
const entry = await import(process.argv[1]);
if (process.argv[2] === "open") {
  await entry.PostgresStore.open("postgres://nobody@127.0.0.1:9/none", { connectTimeoutMs: 200 }).catch(() => undefined);
}
console.log(JSON.stringify({ exports: Object.keys(entry).sort(), resolved }));
`;

/** The names `specifier` exports and the modules loading it resolved (ours relative to dist/). */
async function load(specifier: string, open = false) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", probe, specifier, ...(open ? ["open"] : [])],
    { cwd: sdk, encoding: "utf8" },
  );
  const { exports, resolved } = JSON.parse(stdout) as { exports: string[]; resolved: string[] };
  const ours = resolved.filter((url) => url.startsWith(dist)).map((url) => url.slice(dist.length));
  return { exports, ours, pg: resolved.some((url) => /\/node_modules\/pg\//.test(url)) };
}

describe.skipIf(!("registerHooks" in module))("the SDK's entry points, built", () => {
  it("@goal-lease/sdk loads neither durable store, nor pg: openStore loads the one it opens", async () => {
    const root = await load("@goal-lease/sdk");
    expect(root.pg).toBe(false);
    expect(root.ours.filter((path) => /^store\/(sqlite|postgres)\//.test(path))).toEqual([
      // What describeStore needs to name a server, and nothing else of PostgreSQL's.
      "store/postgres/postgres-url.js",
    ]);
    expect(root.exports).toContain("openStore");
    expect(root.exports).toContain("MemoryStore");
    expect(root.exports).not.toContain("SqliteStore");
    expect(root.exports).not.toContain("PostgresStore");
  });

  it("@goal-lease/sdk/sqlite exports the SQLite store and loads nothing of PostgreSQL's", async () => {
    const sqlite = await load("@goal-lease/sdk/sqlite");
    expect(sqlite.exports).toEqual(["SqliteStore"]);
    expect(sqlite.pg).toBe(false);
    expect(sqlite.ours.filter((path) => path.startsWith("store/postgres/"))).toEqual([]);
  });

  it("@goal-lease/sdk/postgres exports the PostgreSQL store, which loads pg only when a store is opened", async () => {
    const postgres = await load("@goal-lease/sdk/postgres");
    expect(postgres.exports).toEqual(["PostgresStore"]);
    expect(postgres.pg).toBe(false);
    expect(postgres.ours.filter((path) => path.startsWith("store/sqlite/"))).toEqual([]);
    expect((await load("@goal-lease/sdk/postgres", true)).pg).toBe(true);
  });

  it("@goal-lease/sdk/errors is the error classes alone: one module, no dependency", async () => {
    const errors = await load("@goal-lease/sdk/errors");
    expect(errors.exports).toEqual([
      "GoalLeaseError",
      "HostUsageError",
      "ModelUsageLimitError",
      "PluginDefinitionError",
      "SessionOwnedError",
      "StoreUnavailableError",
      "UntrustedContextError",
    ]);
    expect(errors.ours).toEqual(["errors.js"]);
  });
});
