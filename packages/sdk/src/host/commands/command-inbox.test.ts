import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../../test/probe-plugin.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { createTestHost, FakeClock, type TestHost } from "../../testing/index.js";
import { forwardControl } from "./forward-control.js";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.dispose();
});

/** A store whose session s1 has a lease due in a minute, left by a process that has closed. */
async function leftBehind() {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const first = await createTestHost({ store, clock, plugins: [createProbe().plugin] });
  await first.host.openSession({ sessionKey: "s1" });
  await first.host.send({ sessionKey: "s1", text: "/probe-lease next 60000 go on", sender: owner });
  await first.host.close();
  const queue = async (verb: string, input: Record<string, string> = {}) => {
    const change = { sessionKey: "s1", pluginId: "probe", verb, input, sender: owner };
    const posted = await forwardControl(store, change, { clock });
    if (posted.status !== "pending") throw new Error(`expected ${verb} to wait, got ${posted.status}`);
    return posted.id;
  };
  const next = async () => {
    const started = await createTestHost({ store, clock, plugins: [createProbe().plugin] });
    hosts.push(started);
    return started;
  };
  return { store, queue, next };
}

describe("commands queued while no process served the session", () => {
  it("are applied in order, each heard, before openSession resolves", async () => {
    const { store, queue, next } = await leftBehind();
    await queue("unlease", { leaseKey: "next" });
    await queue("context");
    const { host, settle } = await next();
    const heard: string[] = [];
    host.on("command-forwarded", ({ verb, reply, applied }) => heard.push(`${verb} → ${reply} (${applied})`));
    const turns: string[] = [];
    host.on("turn-start", ({ kind }) => turns.push(kind));

    await host.openSession({ sessionKey: "s1" });
    heard.push("opened");
    expect(heard).toEqual(['unlease → {"status":"cleared"} (true)', "context → captured (true)", "opened"]);
    expect(await store.listPendingCommands("s1")).toEqual([]);
    expect(await store.listLeases()).toEqual([]);
    await settle();
    expect(turns).toEqual([]);
  });

  it("are in force for every caller that opens the session at once, and each runs once", async () => {
    const { store, queue, next } = await leftBehind();
    const id = await queue("unlease", { leaseKey: "next" });
    const { host } = await next();
    let runs = 0;
    host.on("command-forwarded", () => runs++);
    const answeredWhenOpened = async () => {
      await host.openSession({ sessionKey: "s1" });
      return (await store.getCommand(id))?.answer !== undefined;
    };

    expect(await Promise.all([answeredWhenOpened(), answeredWhenOpened()])).toEqual([true, true]);
    expect(runs).toBe(1);
    expect(await store.listLeases()).toEqual([]);
  });
});
