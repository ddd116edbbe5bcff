import { type HostEvent, type LeaseRecord, MemoryStore, type SendResult } from "@goal-lease/sdk";
import { createTestHost, FakeClock, ScriptedModel, type TestHost } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { countdownPlugin } from "./countdown-plugin.ts";

const owner = { id: "owner", isOwner: true };
const sessionKey = "chat-1";

let testHost: TestHost | undefined;
afterEach(async () => {
  // Also verifies the scripted model was called exactly as often as it was scripted.
  await testHost?.dispose();
  testHost = undefined;
});

/** A test host with the plugin and an open session; `continuations` collects continuation turn starts. */
async function start(model: ScriptedModel, store = new MemoryStore(), clock = new FakeClock()) {
  const started = await createTestHost({ model, store, clock, plugins: [countdownPlugin] });
  testHost = started;
  await started.host.openSession({ sessionKey });
  const continuations: HostEvent<"turn-start">[] = [];
  started.host.on("turn-start", (event) => {
    if (event.kind === "continuation") continuations.push(event);
  });
  const send = (text: string) => started.host.send({ sessionKey, text, sender: owner });
  return { ...started, continuations, send };
}

const replyOf = (result: SendResult) => (result.kind === "command" ? result.command.reply : undefined);
const continuationInputs = (model: ScriptedModel) =>
  model.requests
    .map((request) => request.messages.at(-1))
    .filter((message) => message?.role === "user" && message.origin === "continuation")
    .map((message) => message?.content);

describe("/countdown", () => {
  it("continues the session exactly N times, telling each turn how many are left, then stops", async () => {
    const model = new ScriptedModel([{ text: "one" }, { text: "two" }, { text: "three" }]);
    const { send, settle, continuations, store } = await start(model);

    expect(replyOf(await send("/countdown 3"))).toBe("Counting down 3 continuation turns.");
    await settle();

    expect(continuations).toHaveLength(3);
    expect(continuations.every((event) => event.pluginId === "countdown")).toBe(true);
    expect(continuationInputs(model)).toEqual([
      "Countdown turn 1 of 3: 2 left after this one.",
      "Countdown turn 2 of 3: 1 left after this one.",
      "Countdown turn 3 of 3: 0 left after this one.",
    ]);
    expect(await store.listLeases()).toEqual([]);
  });

  it("does not count the user's own turns in between", async () => {
    const model = new ScriptedModel([{ text: "continued" }, { text: "hello back" }, { text: "continued" }]);
    const { send, settle, clock, host, continuations } = await start(model);

    await send("/countdown 2");
    await clock.runNext();
    await host.idle();
    await send("hello");
    await settle();

    expect(continuations).toHaveLength(2);
  });

  it("stops between continuation turns on /countdown stop", async () => {
    const model = new ScriptedModel([{ text: "first" }]);
    const { send, settle, clock, host, continuations, store } = await start(model);

    await send("/countdown 3");
    // Runs the first continuation turn; its turn-end hook asks for the second.
    await clock.runNext();
    await host.idle();
    expect(await store.listLeases()).toHaveLength(1);

    expect(replyOf(await send("/countdown stop"))).toBe("Countdown stopped.");
    await settle();

    expect(continuations).toHaveLength(1);
    expect(await store.listLeases()).toEqual([]);
    expect(replyOf(await send("/countdown stop"))).toBe("No countdown is running.");
  });

  it("stops when /countdown stop arrives while a continuation turn is running", async () => {
    let reply: string | undefined;
    const model = new ScriptedModel([
      async () => {
        reply = replyOf(await send("/countdown stop"));
        return { text: "first" };
      },
    ]);
    const { send, settle, continuations, store } = await start(model);

    await send("/countdown 3");
    await settle();

    expect(reply).toBe("Countdown stopped.");
    expect(continuations).toHaveLength(1);
    expect(await store.listLeases()).toEqual([]);
  });

  it("replaces a running countdown, and the old run's last turn does not count for the new one", async () => {
    let reply: string | undefined;
    const model = new ScriptedModel([
      async () => {
        reply = replyOf(await send("/countdown 2"));
        return { text: "old run" };
      },
      { text: "new run" },
      { text: "new run" },
    ]);
    const { send, settle, store } = await start(model);

    await send("/countdown 3");
    await settle();

    expect(reply).toBe("Counting down 2 continuation turns.");
    expect(continuationInputs(model)).toEqual([
      "Countdown turn 1 of 3: 2 left after this one.",
      "Countdown turn 1 of 2: 1 left after this one.",
      "Countdown turn 2 of 2: 0 left after this one.",
    ]);
    expect(await store.listLeases()).toEqual([]);
  });

  it("stops when /countdown stop lands while the next turn is being requested", async () => {
    // Sends `/countdown stop` from inside the plugin's next lease request, just before the lease is stored:
    // the host applies a session's lease changes in the order they came, so the stop's clear follows it.
    let stop: Promise<unknown> | undefined;
    let stopOnNextLease = false;
    class InterleavingStore extends MemoryStore {
      override async putLease(record: LeaseRecord) {
        if (stopOnNextLease) stop = send("/countdown stop");
        stopOnNextLease = false;
        return super.putLease(record);
      }
    }
    const model = new ScriptedModel([
      () => {
        stopOnNextLease = true;
        return { text: "first" };
      },
    ]);
    const { send, settle, continuations, store } = await start(model, new InterleavingStore());

    await send("/countdown 3");
    await settle();
    expect(replyOf((await stop) as SendResult)).toMatch(/stop/i);

    expect(continuations).toHaveLength(1);
    expect(await store.listLeases()).toEqual([]);
  });

  it("ends the run when a crash cut off its continuation turn, which is never replayed", async () => {
    const store = new MemoryStore();
    // The first host's continuation turn never ends, as if the process died in the middle of it.
    const crashed = await createTestHost({
      model: new ScriptedModel([{ hang: true }]),
      store,
      plugins: [countdownPlugin],
    });
    await crashed.host.openSession({ sessionKey });
    await crashed.host.send({ sessionKey, text: "/countdown 3", sender: owner });
    await crashed.clock.runNext();

    // A new host on the same store a minute later, once the dead one's claim has expired, is the
    // restart: it takes the session over and reports the turn as interrupted.
    const restart = new FakeClock(crashed.clock.now() + 60_000);
    const { send, settle, continuations } = await start(new ScriptedModel(), store, restart);
    expect(replyOf(await send("/countdown stop"))).toBe("No countdown is running.");
    await settle();

    expect(continuations).toEqual([]);
  });

  it("acts only in the session it was typed in", async () => {
    const model = new ScriptedModel([{ text: "one" }, { text: "two" }]);
    const { send, settle, host, continuations } = await start(model);
    await host.openSession({ sessionKey: "chat-2" });

    await send("/countdown 2");
    const elsewhere = await host.send({ sessionKey: "chat-2", text: "/countdown stop", sender: owner });
    expect(replyOf(elsewhere)).toBe("No countdown is running.");
    await settle();

    expect(continuations.map((event) => event.sessionKey)).toEqual([sessionKey, sessionKey]);
  });

  it("is for the session owner only", async () => {
    const { host, settle, store } = await start(new ScriptedModel());
    const guest = { id: "guest", isOwner: false };

    const result = await host.send({ sessionKey, text: "/countdown 3", sender: guest });
    expect(result.kind === "command" && result.command.status).toBe("denied");
    await settle();

    expect(await store.listLeases()).toEqual([]);
  });

  it.each([
    "/countdown",
    "/countdown 0",
    "/countdown abc",
    "/countdown 99",
    "/countdown -1",
    "/countdown 2.5",
  ])("answers %j with the usage and schedules nothing", async (text) => {
    const { send, settle, host, store } = await start(new ScriptedModel());
    const scheduled: unknown[] = [];
    host.on("lease-scheduled", (event) => scheduled.push(event));

    expect(replyOf(await send(text))).toMatch(/^Usage: \/countdown <1-20>/);
    await settle();

    expect(scheduled).toEqual([]);
    expect(await store.listLeases()).toEqual([]);
  });
});
