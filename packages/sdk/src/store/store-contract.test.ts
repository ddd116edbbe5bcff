import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshPostgresStore } from "../../test/postgres-store.js";
import { runStoreContract } from "../testing/index.js";
import { MemoryStore } from "./memory/memory-store.js";
import { SqliteStore } from "./sqlite/sqlite-store.js";
import type { HostStore, SessionRecord } from "./store.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-store-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileCount = 0;

// Every store implementation passes the contract a store of one's own runs (@goal-lease/sdk/testing).
runStoreContract({ name: "MemoryStore", open: () => new MemoryStore(), describe, it });
runStoreContract({
  name: "SqliteStore (file)",
  open: () => SqliteStore.open(join(directory, `contract-${++fileCount}.db`)),
  describe,
  it,
});
runStoreContract({ name: "PostgresStore", open: () => freshPostgresStore(), describe, it });

/** The contract's cases, by name, run against the store `open` makes. */
function contractCases(open: () => HostStore): Map<string, () => Promise<void>> {
  const cases = new Map<string, () => Promise<void>>();
  runStoreContract({
    name: "under test",
    open,
    describe: (_name, body) => body(),
    it: (name, body) => cases.set(name, body),
  });
  return cases;
}

function contractCase(open: () => HostStore, start: string): () => Promise<void> {
  const found = [...contractCases(open)].find(([name]) => name.startsWith(start));
  if (!found) throw new Error(`no contract case starts with "${start}"`);
  return found[1];
}

describe("the store contract", () => {
  it("fails a store that applies a write from a process that lost the session, and says which", async () => {
    class Unfenced extends MemoryStore {
      override async putSession(record: SessionRecord) {
        return super.putSession(record);
      }
    }
    await expect(contractCase(() => new Unfenced(), "applies a fenced write")()).rejects.toThrow(
      /^putSession with a stale fence resolved; it must be refused/,
    );
  });

  it("fails a store whose method throws rather than returning a rejected promise", async () => {
    class Throwing extends MemoryStore {
      override deleteSessionLeases(sessionKey: string): never {
        throw new Error(`refused ${sessionKey}`);
      }
    }
    await expect(contractCase(() => new Throwing(), "applies a fenced write")()).rejects.toThrow(
      /^deleteSessionLeases with a stale fence threw Error: refused s1 instead of returning a rejected promise$/,
    );
  });

  it("lists its cases, so a change to the contract shows in review", () => {
    expect([...contractCases(() => new MemoryStore()).keys()]).toMatchInlineSnapshot(`
      [
        "stores, updates and lists sessions",
        "reads the last entries of one generation, oldest first, and keeps lease ids",
        "writes plugin state with compare-and-set versions",
        "keeps a plugin log beside its state: appended with a write that lands, read only when asked",
        "keeps the last 1,000 entries of a log",
        "hands out copies, so callers cannot change stored values",
        "keeps one pending lease per slot and reports what it replaced",
        "puts a lease only while the plugin's state in its session is at the version it names",
        "claims a lease once, moving it to the started set until finished",
        "lists the pending and the started leases of one session, or of all",
        "applies a write made after another only if that one applied: a state written, a lease claimed",
        "gives a session one live owner: a new owner gets a larger token, a live owner's claim holds",
        "applies a fenced write only for the session's owner: a stale fence, or a fence field present but undefined, is refused and writes nothing",
        "lists as orphaned the sessions with work whose owner is gone: pending or started leases, unanswered commands",
        "posts commands as data and answers each once",
        "bounds the inbox: a session's pending commands are capped, and answered ones are dropped after an hour",
      ]
    `);
  });
});
