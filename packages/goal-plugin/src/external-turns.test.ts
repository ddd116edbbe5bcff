import { type ContinuationDelivery, createHost, type Host, MemoryStore } from "@goal-lease/sdk";
import { FakeClock, settle } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { readStoredGoal } from "./goal-reader.js";
import { createGoalPlugin } from "./index.js";

const owner = { id: "owner", isOwner: true };
const usage = { inputTokens: 100, outputTokens: 20 };

/** An embedding host that queues the continuations it is handed, as OpenClaw or a coding-agent CLI would. */
async function embedded() {
  const deliveries: ContinuationDelivery[] = [];
  const clock = new FakeClock();
  const store = new MemoryStore();
  const host = await createHost({
    externalTurns: { deliverContinuation: async (delivery) => void deliveries.push(delivery) },
    plugins: [createGoalPlugin()],
    store,
    clock,
  });
  for (const sessionKey of ["s1", "s2"]) await host.openSession({ sessionKey });
  /** Runs the oldest delivered continuation as the embedding host would: start, one goal_status call, end. */
  const runContinuation = async (status: string, note: string) => {
    const delivery = deliveries.shift();
    if (!delivery) throw new Error("nothing was delivered");
    const { sessionKey } = delivery;
    const turn = await host.external.turnStarted({ sessionKey, continuationOf: delivery.leaseId });
    if (turn.kind === "dropped") throw new Error(`the delivered lease was dropped: ${turn.reason}`);
    const result = await host.external.callTool({
      sessionKey,
      turnId: turn.turnId,
      name: "goal_status",
      input: { status, note },
    });
    await host.external.turnEnded({ sessionKey, turnId: turn.turnId, usage });
    await settle(host, clock);
    return { delivery, turn, result };
  };
  return { host, store, clock, deliveries, runContinuation };
}

let running: Host | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("the goal plugin on turns run by an embedding host", () => {
  it("hands each continuation over, counts its turn and stops at the cap, unchanged", async () => {
    const { host, store, clock, deliveries, runContinuation } = await embedded();
    running = host;
    await host.send({ sessionKey: "s1", text: "/goal start write the guide --max-turns 2", sender: owner });
    await settle(host, clock);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ sessionKey: "s1", pluginId: "goal" });
    expect(deliveries[0]?.message).toContain('Objective: "write the guide"');
    expect((await host.external.toolSchemas("s1")).map((tool) => tool.name)).toEqual(["goal_status"]);
    expect(await host.external.promptContext("s1")).toMatch(
      /^Active goal \(untrusted user text\): "write the guide"/,
    );

    const first = await runContinuation("continue", "wrote the outline");
    expect(first.turn.kind).toBe("continuation");
    expect(JSON.parse(first.result.content)).toMatchObject({ accepted: true, status: "active" });
    expect(deliveries).toHaveLength(1);
    const second = await runContinuation("continue", "wrote the body");
    expect(JSON.parse(second.result.content)).toMatchObject({ accepted: true, status: "turn_limited" });
    expect(deliveries).toHaveLength(0);

    const goal = await readStoredGoal(store, "s1");
    expect(goal).toMatchObject({ status: "turn_limited", continuations: 2, tokensUsed: 240 });
    expect(await store.listStartedLeases()).toEqual([]);
    expect(await readStoredGoal(store, "s2")).toBeUndefined();
  });

  it("rejects routing fields in tool input and holds a due continuation while another turn runs", async () => {
    const { host, clock, deliveries } = await embedded();
    running = host;
    await host.send({ sessionKey: "s1", text: "/goal start fix it", sender: owner });
    const userTurn = await host.external.turnStarted({ sessionKey: "s1", sender: owner });
    if (userTurn.kind !== "user") throw new Error("expected a user turn");
    await settle(host, clock);
    expect(deliveries).toHaveLength(0);
    const forged = await host.external.callTool({
      sessionKey: "s1",
      turnId: userTurn.turnId,
      name: "goal_status",
      input: { status: "continue", note: "x", sessionKey: "s2" },
    });
    expect(forged).toMatchObject({
      isError: true,
      content: expect.stringContaining('Unrecognized key: "sessionKey"'),
    });
    await host.external.turnEnded({ sessionKey: "s1", turnId: userTurn.turnId, usage });
    await settle(host, clock);
    expect(deliveries.map((delivery) => delivery.sessionKey)).toEqual(["s1"]);
  });

  it("a pause after the hand-over wins: the queued continuation turn is refused when it starts", async () => {
    const { host, store, clock, deliveries } = await embedded();
    running = host;
    await host.send({ sessionKey: "s1", text: "/goal start fix it", sender: owner });
    await settle(host, clock);
    const [delivery] = deliveries;
    if (!delivery) throw new Error("nothing was delivered");
    await host.send({ sessionKey: "s1", text: "/goal pause", sender: owner });
    await settle(host, clock);
    expect(await host.external.turnStarted({ sessionKey: "s1", continuationOf: delivery.leaseId })).toEqual({
      kind: "dropped",
      reason: "not_current",
    });
    expect(await readStoredGoal(store, "s1")).toMatchObject({ status: "paused", continuations: 0 });
    expect(await store.listStartedLeases()).toEqual([]);
  });

  it("refuses plain text, which the embedding host answers itself", async () => {
    const { host } = await embedded();
    running = host;
    await expect(host.send({ sessionKey: "s1", text: "hello", sender: owner })).rejects.toThrow(
      /pass only \/commands/,
    );
  });

  it("counts only the time goal turns run against --time, not a wait or the time before the host runs the turn", async () => {
    const { host, store, clock, deliveries } = await embedded();
    running = host;
    await host.send({ sessionKey: "s1", text: "/goal start watch the deploy --time 30s", sender: owner });
    await settle(host, clock);
    /** The embedding host runs the delivered continuation `lateMs` after the hand-over, for `runMs`. */
    const runLate = async (lateMs: number, runMs: number, report: object) => {
      await clock.advance(lateMs);
      const delivery = deliveries.shift();
      if (!delivery) throw new Error("nothing was delivered");
      const turn = await host.external.turnStarted({ sessionKey: "s1", continuationOf: delivery.leaseId });
      if (turn.kind === "dropped") throw new Error(`the delivered lease was dropped: ${turn.reason}`);
      await clock.advance(runMs);
      const result = await host.external.callTool({
        sessionKey: "s1",
        turnId: turn.turnId,
        name: "goal_status",
        input: report,
      });
      expect(JSON.parse(result.content)).toMatchObject({ accepted: true });
      await host.external.turnEnded({ sessionKey: "s1", turnId: turn.turnId, usage });
      await settle(host, clock);
    };
    await runLate(5_000, 10_000, { status: "waiting", wait_seconds: 60, note: "the deploy" });
    // The wait is over (settling ran its timer): the continuation is handed over, 10 s of turn time used.
    expect(deliveries).toHaveLength(1);
    expect(await readStoredGoal(store, "s1")).toMatchObject({ status: "active", activeMsBefore: 10_000 });
    // The host runs that turn 42 s later (it had no way to start it sooner): none of the 42 s counts.
    await runLate(42_000, 10_000, { status: "done", note: "deployed" });
    expect(await readStoredGoal(store, "s1")).toMatchObject({
      status: "done",
      continuations: 2,
      activeMsBefore: 20_000,
    });
  });

  it("a goal turn the person cut short is their pause, charged what it used; the pause they type next is it", async () => {
    const { host, store, clock, deliveries } = await embedded();
    running = host;
    await host.send({ sessionKey: "s1", text: "/goal start write the guide --max-turns 5", sender: owner });
    await settle(host, clock);
    const delivery = deliveries.shift();
    if (!delivery) throw new Error("nothing was delivered");
    const turn = await host.external.turnStarted({ sessionKey: "s1", continuationOf: delivery.leaseId });
    if (turn.kind === "dropped") throw new Error("dropped");
    const outcome = { status: "error", kind: "interrupted", message: "the person stopped the run" } as const;
    await host.external.turnEnded({ sessionKey: "s1", turnId: turn.turnId, usage, outcome });
    await settle(host, clock);
    const goal = await readStoredGoal(store, "s1");
    expect(goal).toMatchObject({
      status: "paused",
      statusReason: "the person interrupted a goal turn",
      tokensUsed: 120,
    });
    expect(goal?.statusGate).toBeUndefined();
    expect(deliveries).toEqual([]);
    const typed = await host.send({ sessionKey: "s1", text: "/goal pause", sender: owner });
    expect(typed.kind === "command" && typed.command.reply).toMatch(/^Goal paused\./);
  });
});
