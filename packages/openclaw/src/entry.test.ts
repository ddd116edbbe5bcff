import { afterEach, describe, expect, it } from "vitest";
import { fakeOpenClaw } from "../test/fake-openclaw.js";
import { goalLeaseEntry } from "./index.js";

const A = "agent:main:a";
const B = "agent:main:b";
const gateways: ReturnType<typeof fakeOpenClaw>[] = [];
function gateway(options?: Parameters<typeof fakeOpenClaw>[1]) {
  const created = fakeOpenClaw(goalLeaseEntry, options);
  gateways.push(created);
  return created;
}
afterEach(async () => {
  for (const created of gateways.splice(0)) await created.stop();
});

/** Lets the host's 0 ms lease timers fire and its follow-up work settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function callTool(openclaw: ReturnType<typeof fakeOpenClaw>, sessionKey: string, input: unknown) {
  const tool = openclaw.tools(sessionKey)?.find((candidate) => candidate.name === "goal_status");
  if (!tool) throw new Error("goal_status was not offered");
  const result = await tool.execute("call-1", input);
  return JSON.parse(result.content[0]?.text ?? "null");
}

describe("the goal plugin as an OpenClaw extension", () => {
  it("starts a goal from the invoking session and wakes only that session", async () => {
    const openclaw = gateway();
    const reply = await openclaw.command(A, "goal-lease", "start write the docs --max-turns 2");
    expect(reply).toMatch(/^Goal started: "write the docs"/);
    await settle();
    expect(openclaw.events).toMatchObject([
      { sessionKey: A, contextKey: expect.stringMatching(/^goal-lease:goal:goal\./) },
    ]);
    expect(openclaw.events[0]?.text).not.toContain("write the docs");
    expect(openclaw.heartbeats).toEqual([A]);
  });

  it("runs the woken run as the continuation and wakes again after goal_status continue", async () => {
    const openclaw = gateway();
    await openclaw.command(A, "goal-lease", "start write the docs --max-turns 2");
    await settle();
    const run = openclaw.run(A, "r1", "heartbeat");
    expect(await run.gate()).toBeUndefined();
    const prompt = await run.prompt("heartbeat prompt");
    expect(prompt?.prependContext).toContain("Goal continuation 1 of 2");
    expect(prompt?.prependContext).toContain('Objective: "write the docs"');
    expect(prompt?.appendSystemContext).toMatch(/^Active goal \(untrusted user text\): "write the docs"/);
    expect(await callTool(openclaw, A, { status: "continue", note: "outlined" })).toMatchObject({
      accepted: true,
    });
    // OpenClaw reports the end first and the usage just after.
    await run.end();
    await settle();
    expect(openclaw.heartbeats).toEqual([A]);
    await run.usage(100, 5, ["outlined the docs"]);
    await settle();
    expect(openclaw.heartbeats).toEqual([A, A]);
    const status = await openclaw.command(A, "goal-lease", "status");
    expect(status).toMatch(/Status: active/);
    expect(status).toContain("1/2");
    expect(status).toContain("105/");
  });

  it("skips a woken run whose goal was paused after the wake, before any model call", async () => {
    const openclaw = gateway();
    await openclaw.command(A, "goal-lease", "start write the docs");
    await settle();
    expect(await openclaw.command(A, "goal-lease", "pause")).toMatch(/paused/i);
    const run = openclaw.run(A, "r1", "heartbeat");
    expect(await run.gate()).toMatchObject({ handled: true, reason: "goal-lease: not_current" });
    expect(openclaw.logs).toContain(
      `goal-lease: skipped a woken run in ${A}: the continuation is not_current`,
    );
    expect(openclaw.hookTriggers("before_agent_reply")).toEqual(["heartbeat"]);
    expect(await openclaw.command(A, "goal-lease", "status")).toContain("0/10");
  });

  it("skips a run OpenClaw wakes late for a continuation a stop already took, before any model call", async () => {
    const openclaw = gateway();
    await openclaw.command(A, "goal-lease", "start write the docs");
    await settle();
    // The user's message takes the run (so we ask again for the wake) and stops the goal.
    const user = openclaw.run(A, "r1", "user");
    await user.prompt("/goal-lease pause");
    expect(await openclaw.command(A, "goal-lease", "pause")).toMatch(/paused/i);
    await user.end();
    await user.usage(1, 1);
    await settle();
    expect(openclaw.heartbeats).toEqual([A, A]);
    // OpenClaw runs one of the two wakes: the withdrawn continuation is skipped.
    const woken = openclaw.run(A, "r2", "heartbeat");
    expect(await woken.gate()).toMatchObject({ handled: true, reason: "goal-lease: not_current" });
    // It runs the other a minute later (it defers wakes): no continuation is pending, nothing is sent.
    const late = openclaw.run(A, "r3", "heartbeat");
    expect(await late.gate()).toMatchObject({ handled: true, reason: "goal-lease: no_continuation_pending" });
  });

  it("binds tools to OpenClaw's session and refuses a session named in the arguments", async () => {
    const openclaw = gateway();
    await openclaw.command(A, "goal-lease", "start keep a going");
    await openclaw.command(B, "goal-lease", "start keep b going");
    const run = openclaw.run(A, "r1", "user");
    await run.prompt("report for b");
    const tool = openclaw.tools(A)?.[0];
    await expect(tool?.execute("c1", { status: "done", note: "x", sessionKey: B })).rejects.toThrow(
      /Unrecognized key: "sessionKey"/,
    );
    expect(await openclaw.command(A, "goal-lease", "status")).toMatch(/Status: active/);
    expect(await openclaw.command(B, "goal-lease", "status")).toMatch(/Status: active/);
    // Without a goal in the session, the tool is not there at all.
    const other = openclaw.run("agent:main:c", "r2", "user");
    await other.prompt();
    await expect(
      openclaw.tools("agent:main:c")?.[0]?.execute("c2", { status: "done", note: "x" }),
    ).rejects.toThrow(/Unknown tool "goal_status"/);
  });

  it("treats a heartbeat run nobody woke as an ordinary turn", async () => {
    const openclaw = gateway();
    const run = openclaw.run(A, "r1", "heartbeat");
    expect(await run.gate()).toBeUndefined();
    expect(await run.prompt()).toEqual({});
  });

  it("asks again for a wake that a user run took, and closes a run whose end never came", async () => {
    const openclaw = gateway();
    const lost = openclaw.run(A, "r0", "user");
    await lost.prompt("a run OpenClaw never ends");
    const user = openclaw.run(A, "r1", "user");
    await user.prompt("and another");
    await openclaw.command(A, "goal-lease", "start write the docs");
    await settle();
    expect(openclaw.heartbeats).toEqual([]);
    await user.end();
    await user.usage(10, 1);
    await settle();
    expect(openclaw.heartbeats).toEqual([A]);
    await openclaw.run(B, "r2", "user").prompt();
    const next = openclaw.run(A, "r3", "user");
    await next.prompt();
    await next.end();
    await next.usage(1, 1);
    await settle();
    // The continuation was handed over once, and this user run asked again for its wake.
    expect(openclaw.events).toHaveLength(1);
    expect(openclaw.heartbeats).toEqual([A, A]);
  });

  it("shares one host between the two module instances OpenClaw loads", async () => {
    const commands = gateway();
    const tools = gateway({ stateDir: commands.stateDir });
    await commands.command(A, "goal-lease", "start write the docs");
    await settle();
    const run = tools.run(A, "r1", "heartbeat");
    expect(await run.gate()).toBeUndefined();
    expect(await callTool(tools, A, { status: "done", note: "all written" })).toMatchObject({
      accepted: true,
    });
    expect(await commands.command(A, "goal-lease", "status")).toMatch(/Status: done/);
  });

  it("pauses the goal and drops its wake when OpenClaw resets the session", async () => {
    const openclaw = gateway();
    await openclaw.command(A, "goal-lease", "start write the docs");
    await settle();
    await openclaw.reset(A);
    expect(await openclaw.run(A, "r1", "heartbeat").gate()).toMatchObject({ handled: true });
    expect(await openclaw.command(A, "goal-lease", "status")).toMatch(/Status: paused/);
  });

  it("takes its command name and default limits from the plugin config", async () => {
    const openclaw = gateway({ config: { commandName: "goal", maxTurns: 3, timeBudgetMinutes: 5 } });
    expect([...openclaw.commands.keys()]).toEqual(["goal"]);
    await openclaw.command(A, "goal", "start write the docs");
    expect(await openclaw.command(A, "goal", "status")).toContain("0/3");
  });

  it("refuses a bad config with one line that names the field", () => {
    expect(() => gateway({ config: { commandName: "Goal!" } })).toThrow(
      /^goal-lease: invalid plugin config at "commandName": .*; fix plugins\.entries\.goal-lease\.config in openclaw\.json\.$/,
    );
  });

  it("offers no tools until the host has started, and starts it", async () => {
    const openclaw = gateway();
    expect(openclaw.tools(A)).toBeNull();
    await openclaw.start();
    expect(openclaw.tools(A)?.map((tool) => tool.name)).toEqual(["goal_status"]);
  });
});
