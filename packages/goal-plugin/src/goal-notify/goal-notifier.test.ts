import { type JsonValue, MemoryStore, type StateWriteResult, type WriteOptions } from "@goal-lease/sdk";
import { createTestHost, ScriptedModel } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { owner, report, storedGoalWithEvents } from "../../test/goal-harness.js";
import { cleanUp, notifiedHost, receiver, testSecret as secret } from "../../test/notify/notified-host.js";
import { createGoalPlugin, type Goal } from "../index.js";
import { GoalNotifier, notifyRetryDelayMs, notifyRetryWindowMs } from "./goal-notifier.js";

afterEach(cleanUp);

/** A store that keeps every goal value written, in order: what each single write carried. */
class RecordingStore extends MemoryStore {
  readonly goalWrites: Goal[] = [];
  override async writeState(
    pluginId: string,
    scope: string,
    key: string,
    value: JsonValue,
    expectedVersion: number,
    options?: WriteOptions & { log?: readonly JsonValue[] },
  ): Promise<StateWriteResult> {
    const result = await super.writeState(pluginId, scope, key, value, expectedVersion, options);
    if (result.status === "written" && key === "goal")
      this.goalWrites.push(structuredClone(value) as unknown as Goal);
    return result;
  }
}

describe("a goal that stops on its own", () => {
  it("is told once, signed, with the same delivery id in the header, the body and the store", async () => {
    const hook = await receiver();
    const test = await notifiedHost([report("done", "the report is written")], { target: hook.url });
    await test.send("/goal start write the report");
    await test.drain();

    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(request?.verified).toBe(true);
    expect(request?.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(request?.headers["content-type"]).toBe("application/json");
    const goal = await storedGoalWithEvents(test.store, "s1");
    expect(request?.delivery).toBe(goal?.notification?.id);
    expect(request?.payload).toMatchObject({
      type: "goal-stopped",
      delivery: goal?.notification?.id,
      session: "s1",
      goalId: goal?.id,
      objective: "write the report",
      status: "done",
      reason: "the report is written",
      by: "model",
      gate: null,
      figures: { continuations: 1, maxTurns: 10, tokenBudget: 500_000 },
      dashboard: null,
    });
    expect(request?.payload.text).toMatch(
      /session s1 is done: "write the report"\. The model said: the report is written\./,
    );
    expect(goal?.notification).toMatchObject({
      state: "sent",
      attempts: 1,
      outcome: "HTTP 200",
      status: "done",
    });
    expect(goal?.events.filter((event) => event.type === "notified")).toEqual([
      expect.objectContaining({ state: "sent", target: hook.origin, outcome: "HTTP 200", attempts: 1 }),
    ]);
  });

  it("writes the pending notification in the same write as the stop", async () => {
    const hook = await receiver();
    const store = new RecordingStore();
    const test = await notifiedHost([report("blocked", "the API key is missing")], {
      target: hook.url,
      store,
    });
    await test.send("/goal start call the API");
    await test.drain();

    const stopWrite = store.goalWrites.find((goal) => goal.status === "blocked");
    expect(stopWrite?.notification).toMatchObject({ state: "pending", attempts: 0, status: "blocked" });
    expect(store.goalWrites.filter((goal) => goal.notification?.state === "sent")).toHaveLength(1);
    expect(hook.received.map((request) => request.delivery)).toEqual([stopWrite?.notification?.id]);
  });

  it.each([
    [
      "waiting_approval by the model",
      [report("waiting_approval", "may I delete the branch?")],
      "",
      "waiting_approval",
    ],
    ["the continuation cap", [report("continue", "one step")], " --max-turns 1", "turn_limited"],
  ] as const)("is told at %s", async (_name, steps, flags, status) => {
    const hook = await receiver();
    const test = await notifiedHost([...steps], { target: hook.url });
    await test.send(`/goal start tidy the repository${flags}`);
    await test.drain();

    expect(hook.received.map((request) => request.payload.status)).toEqual([status]);
    expect(hook.received[0]?.verified).toBe(true);
  });

  it("is told again, with a new delivery id, when a resumed goal stops again", async () => {
    const hook = await receiver();
    const test = await notifiedHost(
      [report("blocked", "no access"), report("done", "access granted, done")],
      { target: hook.url },
    );
    await test.send("/goal start deploy");
    await test.drain();
    await test.send("/goal resume access granted");
    await test.drain();

    expect(hook.received.map((request) => request.payload.status)).toEqual(["blocked", "done"]);
    const [first, second] = hook.received;
    expect(first?.delivery).not.toBe(second?.delivery);
  });
});

describe("a goal stopped by the person's own command", () => {
  it.each(["pause", "done", "clear"])("is not told for /goal %s", async (verb) => {
    const hook = await receiver();
    const test = await notifiedHost([], { target: hook.url });
    await test.send("/goal start keep going");
    await test.send(`/goal ${verb}`);
    await test.drain();

    expect(hook.received).toEqual([]);
    expect((await storedGoalWithEvents(test.store, "s1"))?.notification).toBeUndefined();
  });
});

describe("a goal with nowhere to be told", () => {
  it("carries no notification", async () => {
    const test = await notifiedHost([report("done", "finished")]);
    await test.send("/goal start finish");
    await test.drain();
    expect((await storedGoalWithEvents(test.store, "s1"))?.notification).toBeUndefined();
  });
});

describe("delivery", () => {
  it("is retried with back-off on the plugin's clock after the receiver answers 500, with the same bytes", async () => {
    const hook = await receiver();
    const test = await notifiedHost([report("done", "all green")], { target: hook.url });
    const times: number[] = [];
    hook.answerWith((_request, index) => {
      times.push(test.clock.now());
      return { status: index < 2 ? 500 : 204 };
    });
    await test.send("/goal start make it green");
    await test.drain();

    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((request) => request.delivery)).size).toBe(1);
    expect(new Set(hook.received.map((request) => request.body)).size).toBe(1);
    expect(hook.received.every((request) => request.verified)).toBe(true);
    const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(gaps).toEqual([notifyRetryDelayMs(1), notifyRetryDelayMs(2)]);
    const goal = await storedGoalWithEvents(test.store, "s1");
    expect(goal?.notification).toMatchObject({ state: "sent", attempts: 3, outcome: "HTTP 204" });
    expect(goal?.events.filter((event) => event.type === "notified")).toHaveLength(1);
  });

  it("is given up after the retry window, and says so", async () => {
    const hook = await receiver();
    hook.answerWith(() => ({ status: 503 }));
    const test = await notifiedHost([report("done", "done")], { target: hook.url });
    await test.send("/goal start try");
    await test.drain();

    // Attempts come after waits of 1 s, 2 s, 4 s ... (at most a minute) until the next would pass 10 minutes.
    let expected = 1;
    for (
      let waited = notifyRetryDelayMs(1);
      waited <= notifyRetryWindowMs;
      waited += notifyRetryDelayMs(++expected)
    );
    expect(hook.received).toHaveLength(expected);
    const goal = await storedGoalWithEvents(test.store, "s1");
    expect(goal?.notification).toMatchObject({
      state: "failed",
      attempts: expected,
      outcome: `HTTP 503; given up after ${expected} attempts`,
    });
  });

  it("does not follow a redirect, and does not retry it", async () => {
    const elsewhere = await receiver();
    const hook = await receiver();
    hook.answerWith(() => ({ status: 307, headers: { location: elsewhere.url } }));
    const test = await notifiedHost([report("done", "done")], { target: hook.url });
    await test.send("/goal start go");
    await test.drain();

    expect(hook.received).toHaveLength(1);
    expect(elsewhere.received).toEqual([]);
    expect((await storedGoalWithEvents(test.store, "s1"))?.notification).toMatchObject({
      state: "failed",
      attempts: 1,
      outcome: "HTTP 307, a redirect, which is not followed",
    });
  });

  it("is retried when nothing answers, and never blocks the goal", async () => {
    const hook = await receiver();
    const gone = hook.url;
    await hook.close();
    const test = await notifiedHost([report("done", "done")], { target: gone, retryWindowMs: 3_000 });
    await test.send("/goal start go");
    await test.settle();
    // The goal is done while its notification is still being tried.
    expect((await storedGoalWithEvents(test.store, "s1"))?.status).toBe("done");
    await test.drain();
    expect((await storedGoalWithEvents(test.store, "s1"))?.notification).toMatchObject({
      state: "failed",
      outcome: expect.stringMatching(/^could not send: ECONNREFUSED; given up after \d+ attempts$/),
    });
  });
});

describe("a notification a crash left pending", () => {
  it("is sent by the next process that serves the session, with its delivery id, once", async () => {
    const hook = await receiver();
    const store = new MemoryStore();
    // The first process writes the stop, and dies before it sends (its notifier is closed at once).
    const first = new GoalNotifier({ target: hook.url, settings: async () => ({ secret }) });
    await first.close();
    const dying = await createTestHost({
      model: new ScriptedModel([report("done", "shipped")]),
      store,
      plugins: [createGoalPlugin({ notifier: first })],
    });
    await dying.host.openSession({ sessionKey: "s1" });
    await dying.host.send({ sessionKey: "s1", text: "/goal start ship it", sender: owner });
    await dying.settle();
    await dying.dispose();
    const pending = (await storedGoalWithEvents(store, "s1"))?.notification;
    expect(pending).toMatchObject({ state: "pending", attempts: 0 });
    expect(hook.received).toEqual([]);

    const next = await notifiedHost([], { target: hook.url, store });
    await next.drain();
    expect(hook.received.map((request) => request.delivery)).toEqual([pending?.id]);
    expect(hook.received[0]?.body).toBe(pending?.body);
    expect((await storedGoalWithEvents(store, "s1"))?.notification).toMatchObject({
      id: pending?.id,
      state: "sent",
    });
  });
});
