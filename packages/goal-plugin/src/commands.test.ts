import { afterEach, describe, expect, it } from "vitest";
import { createGoalHarness, type GoalHarness, turn } from "../test/goal-harness.js";

let harness: GoalHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

const guest = Object.freeze({ id: "guest", isOwner: false });

/** The goal and the pending leases, to show a command changed nothing. */
async function snapshot(h: GoalHarness) {
  return { goal: await h.goal(), leases: await h.store.listLeases() };
}

describe("bad arguments", () => {
  const badStarts = [
    ["no objective", "/goal start"],
    ["only flags", "/goal start --max-turns 3"],
    ["an objective over 4000 characters", `/goal start ${"x".repeat(4_001)}`],
    ["--max-turns 0", "/goal start fix it --max-turns 0"],
    ["--max-turns abc", "/goal start fix it --max-turns abc"],
    ["--max-turns with no value", "/goal start fix it --max-turns"],
    ["--max-turns over the bound", "/goal start fix it --max-turns 1001"],
    ["--budget -5", "/goal start fix it --budget -5"],
    ["--time 5x", "/goal start fix it --time 5x"],
    ["--time under a second", "/goal start fix it --time 0s"],
    ["an unknown flag", "/goal start fix it --foo 1"],
  ] as const;

  it.each(badStarts)("/goal start with %s is a usage error and creates nothing", async (_label, command) => {
    harness = await createGoalHarness([]);
    const reply = await harness.command(command);
    expect(reply).toMatch(/^Usage error: /);
    expect(reply).toContain("/goal start <objective> [--max-turns N] [--budget TOKENS] [--time DURATION]");
    expect(await snapshot(harness)).toEqual({ goal: undefined, leases: [] });
    await harness.settle();
    expect(harness.turnStarts).toEqual([]);
  });

  it("names what was wrong", async () => {
    harness = await createGoalHarness([]);
    expect(await harness.command("/goal start")).toContain("start needs an objective");
    expect(await harness.command(`/goal start ${"x".repeat(4_001)}`)).toContain(
      "the objective has 4001 characters; the limit is 4000",
    );
    expect(await harness.command("/goal start a --max-turns abc")).toContain(
      '--max-turns needs a whole number from 1 to 1,000, not "abc"',
    );
    expect(await harness.command("/goal start a --budget -5")).toContain("--budget needs a whole number");
    expect(await harness.command("/goal start a --time 5x")).toContain('not "5x"');
    expect(await harness.command("/goal start a --foo 1")).toContain("unknown option --foo");
    expect(await harness.command("/goal frobnicate")).toContain('unknown subcommand "frobnicate"');
  });

  it("accepts an objective of exactly 4000 characters", async () => {
    harness = await createGoalHarness([]);
    expect(await harness.command(`/goal start ${"x".repeat(4_000)}`)).toMatch(/^Goal started/);
    expect((await harness.goal())?.objective).toHaveLength(4_000);
    expect(await harness.command("/goal clear")).toMatch(/^Goal cleared/);
  });

  const badWithGoal = [
    "/goal start --max-turns 0 another objective",
    "/goal start another --budget -5",
    "/goal start another --time 5x",
    "/goal start another --foo 1",
    "/goal frobnicate",
    "/goal events 999",
    "/goal events 0",
    "/goal events abc",
    "/goal clear extra",
    "/goal status extra",
    "/goal pause --foo 1",
    "/goal done --max-turns 3",
    "/goal resume --max-turns 0",
    "/goal resume --budget abc",
    "/goal edit",
    `/goal edit ${"y".repeat(4_001)}`,
    "/goal edit --max-turns 5 new objective",
  ];

  it.each(badWithGoal)("%s is a usage error and leaves an active goal as it was", async (command) => {
    harness = await createGoalHarness([]);
    await harness.command("/goal start keep the lights on --max-turns 4");
    const before = await snapshot(harness);
    expect(before.goal?.status).toBe("active");
    expect(before.leases).toHaveLength(1);
    const reply = await harness.command(command);
    expect(reply).toMatch(/^Usage error: /);
    expect(await snapshot(harness)).toEqual(before);
    await harness.command("/goal pause");
  });
});

describe("/goal start", () => {
  it("refuses to start while a goal is open and says how to replace it", async () => {
    harness = await createGoalHarness([]);
    await harness.command("/goal start first objective");
    const before = await snapshot(harness);
    const reply = await harness.command("/goal start second objective");
    expect(reply).toBe(
      'A goal is already active: "first objective". Use /goal clear to drop it first, or /goal edit <objective> to change it.',
    );
    expect(await snapshot(harness)).toEqual(before);

    await harness.command("/goal pause");
    expect(await harness.command("/goal start second objective")).toMatch(/^A goal is already paused/);
    expect((await harness.goal())?.objective).toBe("first objective");
  });

  it("starts a new goal once the old one is cleared or done", async () => {
    harness = await createGoalHarness([...turn("done", "finished")]);
    await harness.command("/goal start first objective");
    await harness.command("/goal clear");
    expect(await harness.command("/goal start second objective")).toMatch(
      /^Goal started: "second objective"/,
    );
    await harness.settle();
    expect((await harness.goal())?.status).toBe("done");
    expect(await harness.command("/goal start third objective --max-turns 2")).toMatch(
      /^Goal started: "third objective"/,
    );
    const goal = await harness.goal();
    expect(goal).toMatchObject({
      objective: "third objective",
      status: "active",
      continuations: 0,
      tokensUsed: 0,
    });
    expect(goal?.events.map((event) => event.type)).toEqual(["created", "lease-scheduled"]);
    await harness.command("/goal clear");
  });
});

describe("who may change a goal", () => {
  it("lets only the owner start, pause, resume, finish, edit or clear, and anyone read", async () => {
    harness = await createGoalHarness([]);
    expect(await harness.commandAs("/goal start take over", guest)).toBe(
      "Only the session owner can start the goal. Ask them, or use /goal status.",
    );
    expect(await harness.goal()).toBeUndefined();
    expect(await harness.store.listLeases()).toEqual([]);

    await harness.command("/goal start the owner's goal");
    const before = await snapshot(harness);
    for (const sub of ["pause", "resume", "done", "edit new objective", "clear", "start other"]) {
      const reply = await harness.commandAs(`/goal ${sub}`, guest);
      expect(reply).toMatch(/^Only the session owner can /);
      expect(reply).toContain(sub.split(" ")[0]);
    }
    expect(await harness.commandAs("/goal PAUSE", guest)).toMatch(/^Only the session owner can pause/);
    expect(await snapshot(harness)).toEqual(before);

    const status = await harness.commandAs("/goal status", guest);
    expect(status).toContain(`Goal: "the owner's goal"`);
    expect(status).toContain("Status: active");
    expect(await harness.commandAs("/goal", guest)).toBe(status);
    expect(await harness.commandAs("/goal events", guest)).toContain("created");
    expect(await harness.commandAs("/goal help", guest)).toContain("/goal pause [note]");
    await harness.command("/goal clear");
  });

  it("uses the authorize option when given", async () => {
    harness = await createGoalHarness([], { authorize: (context) => context.sender.id === "guest" });
    expect(await harness.command("/goal start owner tries")).toMatch(/^Only the session owner/);
    expect(await harness.commandAs("/goal start guest may", guest)).toMatch(/^Goal started/);
    expect(await harness.commandAs("/goal clear", guest)).toMatch(/^Goal cleared/);
  });
});

describe("/goal help and status", () => {
  it("lists every subcommand", async () => {
    harness = await createGoalHarness([]);
    const help = await harness.command("/goal help");
    for (const sub of ["start", "status", "pause", "resume", "done", "edit", "clear", "events", "help"]) {
      expect(help).toContain(`/goal ${sub === "status" ? "[status]" : sub}`);
    }
  });

  it("says how to start when there is no goal", async () => {
    harness = await createGoalHarness([]);
    const none = "No goal in this session. Start one with /goal start <objective>.";
    expect(await harness.command("/goal")).toBe(none);
    expect(await harness.command("/goal status")).toBe(none);
    expect(await harness.command("/goal events")).toBe(none);
    expect(await harness.command("/goal pause")).toBe(none);
    expect(await harness.command("/goal resume")).toBe(none);
    expect(await harness.command("/goal clear")).toBe("No goal to clear.");
  });

  it("shows bars for every bounded quantity and the last note", async () => {
    harness = await createGoalHarness([
      ...turn("continue", "half way"),
      ...turn("waiting_approval", "need a key"),
    ]);
    await harness.command("/goal start ship it --max-turns 4 --budget 300 --time 10m");
    await harness.settle();
    const status = await harness.command("/goal status");
    expect(status.split("\n")).toEqual([
      'Goal: "ship it"',
      'Status: waiting_approval ("need a key")',
      "Continuations [#####-----] 2/4",
      "Tokens        [#---------] 30/300",
      "Time          [----------] 0s/10m 00s",
      "Cost                       unknown (2 unpriced turns)",
      'Last note: "need a key"',
    ]);
  });

  it("refuses to pause, resume or finish a goal in the wrong state", async () => {
    harness = await createGoalHarness([]);
    await harness.command("/goal start a goal");
    expect(await harness.command("/goal resume")).toBe(
      "The goal is already active; a continuation is pending.",
    );
    expect(await harness.command("/goal resume --max-turns 5")).toBe(
      "The goal is active, not paused, blocked, waiting or limited, so there is nothing to resume.",
    );
    expect(await harness.command("/goal done")).toBe("Goal marked done.");
    expect(await harness.store.listLeases()).toEqual([]);
    expect(await harness.command("/goal pause")).toMatch(/^The goal is done, not active/);
    expect(await harness.command("/goal resume")).toMatch(/^The goal is done/);
    expect(await harness.command("/goal done")).toMatch(/^The goal is done, not open/);
    expect((await harness.goal())?.status).toBe("done");
  });
});
