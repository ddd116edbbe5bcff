import type { HostEvent } from "@goal-lease/sdk";
import type { ScriptedReply, ScriptedStep } from "@goal-lease/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createGoalHarness, type GoalHarness, parsedResult, report, turn } from "../test/goal-harness.js";

let harness: GoalHarness | undefined;
afterEach(async ({ task }) => {
  const done = harness;
  harness = undefined;
  // A test marked as failing (a known bug) may leave the script unplayed; it checks the script itself.
  await (task.fails ? done?.host.close() : done?.dispose());
});

/** A model step that runs `command` as the owner while the model call is in flight, then reports. */
function commandDuringCall(
  get: () => GoalHarness | undefined,
  command: string,
  replies: string[],
  then: ScriptedReply,
): ScriptedStep {
  return async () => {
    const h = get();
    if (!h) throw new Error("no harness");
    replies.push(await h.command(command));
    return then;
  };
}

describe("the user stops a goal", () => {
  it("pause while the first continuation is pending: no turn runs", async () => {
    harness = await createGoalHarness([]);
    const cleared: HostEvent<"lease-cleared">[] = [];
    harness.host.on("lease-cleared", (event) => cleared.push(event));
    await harness.command("/goal start sort the inbox");
    expect(await harness.store.listLeases()).toHaveLength(1);
    expect(await harness.command("/goal pause taking a break")).toBe(
      "Goal paused. /goal resume continues it.",
    );
    await harness.settle();
    expect(harness.turnStarts).toEqual([]);
    expect(cleared).toHaveLength(1);
    expect(await harness.store.listLeases()).toEqual([]);
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "paused", continuations: 0 });
    expect(goal?.events.at(-1)).toMatchObject({
      type: "status",
      to: "paused",
      by: "user",
      reason: "taking a break",
    });
  });

  it("clear during a running continuation: the model's continue is refused and no further turn runs", async () => {
    const replies: string[] = [];
    harness = await createGoalHarness([
      commandDuringCall(() => harness, "/goal clear", replies, report("continue", "more to do")),
    ]);
    await harness.command("/goal start sort the inbox");
    await harness.settle();
    expect(replies).toEqual(["Goal cleared. /goal start <objective> sets a new one."]);
    expect(harness.turnStarts).toHaveLength(1);
    expect(parsedResult((await harness.toolResults())[0])).toMatchObject({
      accepted: false,
      status: "cleared",
    });
    expect(await harness.store.listLeases()).toEqual([]);
    expect(await harness.goal()).toMatchObject({ status: "cleared", lastNote: null });
  });

  it("pause during a running continuation stops the loop until the user resumes", async () => {
    const replies: string[] = [];
    harness = await createGoalHarness([
      commandDuringCall(() => harness, "/goal pause", replies, report("continue", "more to do")),
      ...turn("done", "finished"),
    ]);
    await harness.command("/goal start sort the inbox");
    await harness.settle();
    expect(replies).toEqual(["Goal paused. /goal resume continues it."]);
    expect(harness.turnStarts).toHaveLength(1);
    expect(await harness.goal()).toMatchObject({ status: "paused", continuations: 1 });
    expect(await harness.store.listLeases()).toEqual([]);
    expect(await harness.command("/goal resume")).toMatch(/^Goal resumed/);
    await harness.settle();
    expect(harness.turnStarts).toHaveLength(2);
    expect(await harness.goal()).toMatchObject({ status: "done", continuations: 2 });
  });

  it("edit changes the objective the later continuations and the context line quote", async () => {
    harness = await createGoalHarness([...turn("continue", "drafted"), ...turn("done", "finished")]);
    await harness.command("/goal start write a poem");
    expect(await harness.command("/goal edit write a sonnet")).toBe('Objective updated: "write a sonnet".');
    await harness.settle();
    expect(harness.model.requests[0]?.system).toContain('"write a sonnet"');
    expect(harness.model.requests[1]?.messages.at(-1)?.content).toContain('Objective: "write a sonnet"');
    const goal = await harness.goal();
    expect(goal).toMatchObject({ objective: "write a sonnet", status: "done" });
    expect(goal?.events).toContainEqual(
      expect.objectContaining({ type: "edited", objective: "write a sonnet" }),
    );
    expect(await harness.command("/goal done")).toMatch(/^The goal is done, not open/);
  });

  it("done by the user clears the pending continuation", async () => {
    harness = await createGoalHarness([]);
    await harness.command("/goal start write a poem");
    expect(await harness.command("/goal done good enough")).toBe("Goal marked done.");
    await harness.settle();
    expect(harness.turnStarts).toEqual([]);
    expect(await harness.store.listLeases()).toEqual([]);
    expect((await harness.goal())?.events.at(-1)).toMatchObject({
      to: "done",
      by: "user",
      reason: "good enough",
    });
  });
});

describe("user input while a goal runs", () => {
  it("runs the user's turn before a due continuation, then the continuation", async () => {
    harness = await createGoalHarness([{ text: "answered" }, ...turn("done", "finished")]);
    await harness.command("/goal start sort the inbox");
    const userTurn = harness.send("quick question");
    await harness.clock.runNext();
    await harness.settle();
    const result = await userTurn;
    expect(result).toMatchObject({ kind: "turn", turn: { kind: "user", text: "answered" } });
    expect(harness.turnStarts.map((start) => start.kind)).toEqual(["user", "continuation"]);
    const [userRequest] = harness.model.requests;
    expect(userRequest?.messages.at(-1)).toMatchObject({ origin: "user", content: "quick question" });
    expect(userRequest?.tools.map((tool) => tool.name)).toEqual(["goal_status"]);
    expect(userRequest?.system).toContain('Active goal (untrusted user text): "sort the inbox".');
    const goal = await harness.goal();
    expect(goal).toMatchObject({ status: "done", continuations: 1, tokensUsed: 15 + 15 });
    expect(goal?.events.map((event) => event.type)).toContain("user-preempted");
  });

  it("drops the due continuation when the user pauses the goal during their turn", async () => {
    const replies: string[] = [];
    harness = await createGoalHarness([
      commandDuringCall(() => harness, "/goal pause", replies, { text: "answered" }),
    ]);
    await harness.command("/goal start sort the inbox");
    const userTurn = harness.send("stop for now");
    await harness.clock.runNext();
    await harness.settle();
    await userTurn;
    expect(replies).toEqual(["Goal paused. /goal resume continues it."]);
    expect(harness.turnStarts.map((start) => start.kind)).toEqual(["user"]);
    expect(await harness.store.listLeases()).toEqual([]);
    expect(await harness.goal()).toMatchObject({ status: "paused", continuations: 0 });
  });

  it("drops the due continuation when the model finishes the goal in the user's turn", async () => {
    harness = await createGoalHarness([...turn("done", "the user's question finished it")]);
    await harness.command("/goal start sort the inbox");
    const userTurn = harness.send("is it done?");
    await harness.clock.runNext();
    await harness.settle();
    await userTurn;
    expect(harness.turnStarts.map((start) => start.kind)).toEqual(["user"]);
    expect(await harness.goal()).toMatchObject({
      status: "done",
      continuations: 0,
      lastNote: "the user's question finished it",
    });
  });
});

describe("/goal events", () => {
  it("records what happened, and who caused each change", async () => {
    harness = await createGoalHarness([
      { text: "answered" },
      ...turn("continue", "step one"),
      { text: "did not report" },
      ...turn("waiting_approval", "need the password"),
      { error: "boom" },
    ]);
    await harness.command("/goal start migrate the database --max-turns 5");
    const userTurn = harness.send("how is it going?");
    await harness.clock.runNext();
    await harness.settle();
    await userTurn;
    expect((await harness.goal())?.status).toBe("waiting_approval");
    await harness.command("/goal resume here is the password --max-turns 2");
    await harness.settle();
    expect((await harness.goal())?.status).toBe("paused");
    await harness.command("/goal resume");
    await harness.command("/goal pause");
    await harness.command("/goal clear");

    const all = await harness.command("/goal events 50");
    expect(all.split("\n").map((line) => line.replace(/^\+0s\s+/, ""))).toEqual([
      'Last 23 of 23 events for "migrate the database":',
      'created: "migrate the database"',
      "continuation scheduled",
      "user message ran ahead of the goal",
      "continuation 1 started",
      "continuation scheduled",
      "continuation 1 ended: 15 tokens, 0s",
      "continuation 2 started",
      "continuation 2 ended: 15 tokens, 0s",
      "continuation scheduled",
      "continuation 3 started",
      'active -> waiting_approval by model: "need the password"',
      "continuation 3 ended: 15 tokens, 0s",
      "limits now 5 continuations, 500,000 tokens, 1h 00m",
      'waiting_approval -> active by user: "here is the password"',
      "continuation scheduled",
      "continuation 4 started",
      "continuation 4 failed and is not counted: Model scripted failed: boom",
      "gate model_error: Model scripted failed: boom",
      'active -> paused by gate: "a goal turn failed: Model scripted failed: boom"',
      'paused -> active by user: "resumed by the user"',
      "continuation scheduled",
      'active -> paused by user: "paused by the user"',
      'paused -> cleared by user: "cleared by the user"',
    ]);
    const recent = await harness.command("/goal events");
    expect(recent.split("\n")).toHaveLength(11);
    expect(recent).toMatch(/^Last 10 of 23 events/);
    const three = await harness.command("/goal events 3");
    expect(three.split("\n").slice(1)).toEqual([
      "+0s      continuation scheduled",
      '+0s      active -> paused by user: "paused by the user"',
      '+0s      paused -> cleared by user: "cleared by the user"',
    ]);
  });

  it("times events from the goal's start and records gate hits", async () => {
    let h: GoalHarness | undefined;
    const slow: ScriptedStep = async () => {
      await h?.clock.advance(90_000);
      return report("continue", "slow work");
    };
    harness = h = await createGoalHarness([slow]);
    await harness.command("/goal start crunch numbers --time 1m");
    await harness.settle();
    const lines = (await harness.command("/goal events")).split("\n");
    expect(lines.slice(-3)).toEqual([
      "+1m 30s  gate time_budget: 1m 30s of 1m 00s used",
      '+1m 30s  active -> time_limited by gate: "1m 30s of 1m 00s used"',
      "+1m 30s  continuation 1 ended: 15 tokens, 1m 30s",
    ]);
  });

  it("records when each continuation starts", async () => {
    harness = await createGoalHarness([...turn("done", "finished")]);
    await harness.command("/goal start crunch numbers");
    await harness.settle();
    const events = await harness.command("/goal events");
    expect(events).toMatch(/continuation 1 start/i);
  });
});
