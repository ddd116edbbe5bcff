import { afterEach, describe, expect, it } from "vitest";
import { createProbe, owner } from "../../../test/probe-plugin.js";
import type { HostEventMap } from "../../events.js";
import { type ContinuationDelivery, createHost, type Host } from "../../index.js";
import { MemoryStore } from "../../store/memory/memory-store.js";
import { FakeClock, settle } from "../../testing/index.js";

let running: Host | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const usage = { inputTokens: 10, outputTokens: 5 };

/** A host whose turns an embedding host runs; it records what it is handed and every dropped lease. */
async function embedded() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const probe = createProbe();
  const deliveries: ContinuationDelivery[] = [];
  const host = await createHost({
    externalTurns: { deliverContinuation: async (delivery) => void deliveries.push(delivery) },
    plugins: [probe.plugin],
    store,
    clock,
  });
  running = host;
  await host.openSession({ sessionKey: "s1" });
  const dropped: HostEventMap["lease-dropped"][] = [];
  host.on("lease-dropped", (event) => dropped.push(event));
  const command = async (text: string) => {
    const result = await host.send({ sessionKey: "s1", text, sender: owner });
    await settle(host, clock);
    return result.kind === "command" ? JSON.parse(result.command.reply) : undefined;
  };
  const lastDelivery = () => {
    const delivery = deliveries.at(-1);
    if (!delivery) throw new Error("nothing was delivered");
    return delivery;
  };
  return { host, store, clock, probe, deliveries, dropped, command, lastDelivery };
}

describe("continuations handed to an embedding host", () => {
  it("runs a delivered lease as one continuation turn and finishes it at the turn's end", async () => {
    const { host, store, deliveries, command, lastDelivery } = await embedded();
    await command("/probe-lease next keep going");
    expect(deliveries).toMatchObject([{ sessionKey: "s1", leaseKey: "next", message: "keep going" }]);
    expect(await store.listStartedLeases()).toHaveLength(1);

    const turn = await host.external.turnStarted({
      sessionKey: "s1",
      continuationOf: lastDelivery().leaseId,
    });
    expect(turn.kind).toBe("continuation");
    if (turn.kind === "dropped") return;
    await host.external.turnEnded({ sessionKey: "s1", turnId: turn.turnId, usage });
    expect(await store.listStartedLeases()).toEqual([]);
    expect(deliveries).toHaveLength(1);
  });

  it("drops a delivered lease cleared before its turn starts, and the turn is refused", async () => {
    const { host, store, deliveries, dropped, command, lastDelivery } = await embedded();
    await command("/probe-lease next keep going");
    const { leaseId } = lastDelivery();
    expect(await command("/probe-unlease next")).toEqual({ status: "cleared" });
    expect(await store.listStartedLeases()).toEqual([]);
    expect(await host.external.turnStarted({ sessionKey: "s1", continuationOf: leaseId })).toEqual({
      kind: "dropped",
      reason: "not_current",
    });
    expect(dropped).toEqual([]);
    expect(deliveries).toHaveLength(1);
  });

  it("hands over the replacement when a delivered lease is replaced before its turn starts", async () => {
    const { host, deliveries, command } = await embedded();
    await command("/probe-lease next first");
    expect(await command("/probe-lease next second")).toMatchObject({ status: "scheduled", replaced: true });
    expect(deliveries.map((delivery) => delivery.message)).toEqual(["first", "second"]);
    const [first, second] = deliveries;
    if (!first || !second) return;
    expect(
      await host.external.turnStarted({ sessionKey: "s1", continuationOf: first.leaseId }),
    ).toMatchObject({
      kind: "dropped",
    });
    expect(
      await host.external.turnStarted({ sessionKey: "s1", continuationOf: second.leaseId }),
    ).toMatchObject({
      kind: "continuation",
    });
  });

  it("drops a delivered lease whose session was reset, with the reason", async () => {
    const { host, store, dropped, command, lastDelivery } = await embedded();
    await command("/probe-lease next keep going");
    const { leaseId } = lastDelivery();
    await host.resetSession("s1");
    expect(dropped).toMatchObject([{ leaseId, reason: "session_reset" }]);
    expect(await store.listStartedLeases()).toEqual([]);
    expect(await host.external.turnStarted({ sessionKey: "s1", continuationOf: leaseId })).toMatchObject({
      kind: "dropped",
      reason: "not_current",
    });
  });

  it("re-checks admission when the turn starts: a lease of an unloaded plugin is dropped then", async () => {
    const { host, store, dropped, command, lastDelivery } = await embedded();
    await command("/probe-lease next keep going");
    const { leaseId } = lastDelivery();
    host.unloadPlugin("probe");
    expect(await host.external.turnStarted({ sessionKey: "s1", continuationOf: leaseId })).toEqual({
      kind: "dropped",
      reason: "plugin_unloaded",
    });
    expect(dropped).toMatchObject([{ leaseId, reason: "plugin_unloaded" }]);
    expect(await store.listStartedLeases()).toEqual([]);
  });

  it("holds a due lease while a user turn runs and hands it over when that turn ends", async () => {
    const { host, clock, deliveries, command } = await embedded();
    const user = await host.external.turnStarted({ sessionKey: "s1", sender: owner });
    await command("/probe-lease next keep going");
    expect(deliveries).toEqual([]);
    if (user.kind === "dropped") return;
    expect(user.kind).toBe("user");
    await host.external.turnEnded({ sessionKey: "s1", turnId: user.turnId, usage });
    await settle(host, clock);
    expect(deliveries).toHaveLength(1);
  });

  it("keeps a lease requested during its own continuation turn for after that turn", async () => {
    const { host, clock, deliveries, command, lastDelivery } = await embedded();
    await command("/probe-lease next first");
    const turn = await host.external.turnStarted({
      sessionKey: "s1",
      continuationOf: lastDelivery().leaseId,
    });
    if (turn.kind === "dropped") throw new Error("the delivered lease was dropped");
    const requested = await host.external.callTool({
      sessionKey: "s1",
      turnId: turn.turnId,
      name: "probe_continue",
      input: { leaseKey: "next", message: "second" },
    });
    expect(JSON.parse(requested.content)).toMatchObject({ status: "scheduled", replaced: false });
    await settle(host, clock);
    expect(deliveries).toHaveLength(1);
    await host.external.turnEnded({ sessionKey: "s1", turnId: turn.turnId, usage });
    await settle(host, clock);
    expect(deliveries.map((delivery) => delivery.message)).toEqual(["first", "second"]);
  });
});

describe("the cost of a turn an embedding host ran", () => {
  it("is priced at the model it names, as unknown when it names none or one with no price", async () => {
    const { host, probe } = await embedded();
    const run = async (model?: string) => {
      const turn = await host.external.turnStarted({ sessionKey: "s1" });
      if (turn.kind === "dropped") throw new Error("dropped");
      const tokens = { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 };
      await host.external.turnEnded({ sessionKey: "s1", turnId: turn.turnId, usage: tokens, model });
      return probe.turnEnds.at(-1)?.event.usage;
    };
    // The shipped prices of claude-sonnet-4-5: $3 input, $0.30 cached, $15 output, a million tokens.
    expect((await run("claude-sonnet-4-5-20250929"))?.costUsd).toBeCloseTo(0.6 * 3 + 0.4 * 0.3 + 0.1 * 15, 9);
    expect(await run("claude-sonnet-4-5-20250929")).toMatchObject({
      model: "claude-sonnet-4-5-20250929",
      cachedInputTokens: 400_000,
    });
    expect((await run())?.costUsd).toBeNull();
    expect((await run("some-local-model"))?.costUsd).toBeNull();
  });
});
