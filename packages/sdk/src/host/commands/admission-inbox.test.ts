import { afterEach, describe, expect, it } from "vitest";
import { freshPostgresStore } from "../../../test/postgres-store.js";
import { createProbe, owner } from "../../../test/probe-plugin.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import type { HostStore } from "../../store/store.js";
import { ScriptedModel, type ScriptedStep } from "../../testing/index.js";
import { createHost, type Host } from "../host.js";

/** Stores that tell the host of every post: it reads a session's inbox once per claim, not per admission. */
const stores: [string, () => HostStore | Promise<HostStore>][] = [
  ["memory store", () => new MemoryStore()],
  ["PostgreSQL store", () => freshPostgresStore()],
];

/** Lets the event loop run until `done` holds, or fails after 10 s of real time: a bound on a hang. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done(); ) {
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise(setImmediate);
  }
}

describe.each(stores)("commands posted while continuations run: %s", (_name, makeStore) => {
  const hosts: Host[] = [];
  const opened: HostStore[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close().catch(() => undefined);
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  });

  it("are heard as they are posted, and the inbox is read once per claim, not before every admission", async () => {
    const store = await makeStore();
    opened.push(store);
    let inboxReads = 0;
    const listPendingCommands = store.listPendingCommands.bind(store);
    store.listPendingCommands = (sessionKey) => {
      inboxReads++;
      return listPendingCommands(sessionKey);
    };
    const probe = createProbe();
    let turns = 0;
    const answered: number[] = [];
    // Each continuation asks for the next one, until the command from outside is answered.
    const goOn: ScriptedStep = () =>
      answered.length > 0
        ? { text: "stopped" }
        : { toolCalls: [{ name: "probe_continue", input: { leaseKey: "next", message: "go on" } }] };
    const model = new ScriptedModel(Array.from({ length: 1_000 }, () => goOn));
    const host = await createHost({ model, store, plugins: [probe.plugin] });
    hosts.push(host);
    host.on("turn-start", () => turns++);
    host.on("command-forwarded", () => answered.push(turns));
    await host.openSession({ sessionKey: "s1" });
    // The opening read the inbox under this claim; every admission after it relies on the store's word.
    expect(inboxReads).toBe(1);
    await host.send({ sessionKey: "s1", text: "/probe-lease next go on", sender: owner });
    await until(() => turns >= 10);
    expect(inboxReads).toBe(1);

    // Posted through the store, as another process would: the owner hears it and applies it. At most the
    // turn whose request raced the clear runs after it.
    const posted = await store.postCommand({
      sessionKey: "s1",
      pluginId: "probe",
      verb: "unlease",
      input: { leaseKey: "next" },
      sender: owner,
      postedAt: Date.now(),
    });
    await until(() => answered.length > 0);
    await host.idle();
    // Cleared, or found running (not pending) and answered so: either way, answered by the owner.
    expect((await store.getCommand(posted.id))?.answer).toBeDefined();
    expect(turns - (answered[0] ?? 0)).toBeLessThanOrEqual(1);
    expect(await store.listLeases()).toEqual([]);
  });
});
