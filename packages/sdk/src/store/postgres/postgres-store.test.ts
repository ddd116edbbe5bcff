import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startPostgres } from "../../../../../test/postgres-server.ts";
import { freshPostgresStore } from "../../../test/postgres-store.js";
import { StoreUnavailableError } from "../../errors.js";
import { currentSchemaVersion } from "./postgres-schema.js";
import { PostgresStore } from "./postgres-store.js";

const fixtures = new URL("../../../test/fixtures/postgres/", import.meta.url).pathname;

const url = () => inject("postgresUrl");
/** The run's server URL with one part replaced. */
const withUrl = (part: "port" | "password" | "pathname", value: string) => {
  const parsed = new URL(url());
  parsed[part] = value;
  return parsed.toString();
};
const schema = () => `t_${randomUUID().replaceAll("-", "")}`;

/** The error `PostgresStore.open` fails with, checked to be one line that never shows the password. */
async function openFailure(target: string, options = {}): Promise<Error> {
  const error = await PostgresStore.open(target, { connectTimeoutMs: 2_000, ...options }).then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error?.message).not.toContain("\n");
  expect(error?.message).not.toContain("goal-lease-test");
  return error as Error;
}

describe("PostgresStore: one line that says what to do", () => {
  it("when the server is not reachable", async () => {
    const error = await openFailure(withUrl("port", "9"));
    expect(error.message).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:9\/postgres is not reachable .*start it or check the store URL/,
    );
  });

  it("when the login is refused", async () => {
    const error = await openFailure(withUrl("password", "wrong"));
    expect(error.message).toMatch(/refused the login .*check the user and password in the store URL\.$/);
  });

  it("when the database does not exist", async () => {
    const error = await openFailure(withUrl("pathname", "/nowhere"));
    expect(error.message).toMatch(/database "nowhere" does not exist; create the database or name another/);
  });

  it("when the schema comes from a newer goal-lease, which it leaves untouched", async () => {
    const name = schema();
    await (await PostgresStore.open(url(), { schema: name })).close();
    const client = new pg.Client(url());
    await client.connect();
    await client.query(`INSERT INTO ${name}.goal_lease_schema (version) VALUES (99)`);
    const error = await openFailure(url(), { schema: name });
    expect(error.message).toMatch(
      new RegExp(
        `schema .* has version 99, newer than this goal-lease reads \\(${currentSchemaVersion}\\); upgrade goal-lease`,
      ),
    );
    const { rows } = await client.query(`SELECT max(version) AS version FROM ${name}.goal_lease_schema`);
    expect(rows[0].version).toBe(99);
    await client.end();
  });

  it("when the schema name could carry SQL", async () => {
    const error = await openFailure(url(), { schema: "x; DROP TABLE sessions" });
    expect(error.message).toMatch(/^Invalid PostgreSQL schema name/);
  });
});

describe("PostgresStore formats", () => {
  it.each(Array.from({ length: currentSchemaVersion }, (_, index) => `v${index + 1}.sql`))(
    "opens the %s fixture and reads its data",
    async (fixture) => {
      const name = schema();
      // The dump names its schema; loaded here under a name of its own (psql's meta-commands dropped).
      const sql = readFileSync(join(fixtures, fixture), "utf8")
        .split("\n")
        .filter((line) => !line.startsWith("\\"))
        .join("\n")
        .replaceAll("goal_lease_fixture", name);
      const client = new pg.Client(url());
      await client.connect();
      await client.query(sql);
      await client.end();
      const store = await PostgresStore.open(url(), { schema: name });
      expect(await store.getSession("chat-1")).toMatchObject({ agentId: "main", generation: 1 });
      expect(await store.readTranscript("chat-1", { generation: 1, limit: 10 })).toHaveLength(2);
      expect(await store.readState("goal", "chat-1", "goal")).toMatchObject({ version: 1 });
      expect(await store.readLog("goal", "chat-1", "goal", { limit: 10 })).toHaveLength(1);
      expect(await store.listLeases()).toMatchObject([{ id: "lease-fixture", dueAt: 1_767_225_660_003 }]);
      expect(await store.listOwners()).toMatchObject([{ sessionKey: "chat-1", token: 1 }]);
      // Commands became data in version 2: one posted earlier as chat text is answered, not applied.
      const version = Number(/v(\d+)\.sql$/.exec(fixture)?.[1]);
      expect(await store.listPendingCommands()).toMatchObject(
        version >= 2 ? [{ pluginId: "goal", verb: "pause", input: {} }] : [],
      );
      await store.writeState("goal", "chat-1", "goal", { formatVersion: 1 }, 1);
      await store.close();
    },
  );
});

describe("PostgresStore: several hosts on one server", () => {
  it("migrates a new schema once when hosts open it together", async () => {
    const name = schema();
    const stores = await Promise.all(
      Array.from({ length: 5 }, () => PostgresStore.open(url(), { schema: name })),
    );
    await stores[0]?.putSession({
      sessionKey: "s1",
      agentId: "a",
      channel: "c",
      generation: 1,
      createdAt: 1,
    });
    expect(await stores[4]?.getSession("s1")).toMatchObject({ generation: 1 });
    await Promise.all(stores.map((store) => store.close()));
  });

  it("wakes another host when a command is posted for its session", async () => {
    const name = schema();
    const [owner, other] = await Promise.all([
      PostgresStore.open(url(), { schema: name }),
      PostgresStore.open(url(), { schema: name }),
    ]);
    const woken: string[] = [];
    const ready = new Promise<void>((resolve) => setTimeout(resolve, 300));
    const stop = owner.watchCommands((sessionKey) => woken.push(sessionKey));
    await ready;
    await other.postCommand({
      sessionKey: "s9",
      pluginId: "goal",
      verb: "pause",
      input: {},
      sender: { id: "u", isOwner: true },
      postedAt: 1,
    });
    await expect.poll(() => woken, { timeout: 5_000 }).toEqual(["s9"]);
    stop();
    await Promise.all([owner.close(), other.close()]);
  });
});

describe("PostgresStore: the server goes away and comes back", () => {
  const server = startPostgres();
  afterAll(async () => (await server).remove());

  it("fails calls in one line while it is down, works again after, and hears what was posted meanwhile", async () => {
    const { url: serverUrl, stop, start } = await server;
    const store = await PostgresStore.open(serverUrl, { connectTimeoutMs: 1_000 });
    const other = await PostgresStore.open(serverUrl, { connectTimeoutMs: 1_000 });
    const woken: string[] = [];
    const unwatch = store.watchCommands((sessionKey) => woken.push(sessionKey));
    await store.writeState("p", "s1", "k", 1, 0);

    stop();
    const down = await store.readState("p", "s1", "k").catch((error: unknown) => error as Error);
    expect(down).toBeInstanceOf(StoreUnavailableError);
    expect((down as Error).message).toMatch(/is not reachable/);
    start();

    // Answered before the restart: kept. A command posted while the watcher reconnects: heard.
    await expect
      .poll(() => store.readState("p", "s1", "k").catch(() => undefined), { timeout: 10_000 })
      .toEqual({
        value: 1,
        version: 1,
      });
    await other.postCommand({
      sessionKey: "s1",
      pluginId: "goal",
      verb: "pause",
      input: {},
      sender: { id: "u", isOwner: true },
      postedAt: 2,
    });
    await expect.poll(() => woken.includes("s1"), { timeout: 10_000 }).toBe(true);
    unwatch();
    await Promise.all([store.close(), other.close()]);
  });
});

describe("freshPostgresStore", () => {
  it("gives each test its own schema", async () => {
    const [a, b] = await Promise.all([freshPostgresStore(), freshPostgresStore()]);
    await a.writeState("p", "s1", "k", "a", 0);
    expect(await b.readState("p", "s1", "k")).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });
});
