import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStoredGoal } from "@goal-lease/goal-plugin";
import { MemoryStore } from "@goal-lease/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { claudeCode, codex } from "./agent-dialect.js";
import { startAgentHost } from "./agent-host.js";
import type { HookEvent } from "./hook-event.js";
import { sessionOfCall } from "./mcp-server.js";
import { transcriptLength } from "./transcript-usage.js";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The production agent host on a store, driven by hook events as Claude Code sends them. */
async function agent(store = new MemoryStore()) {
  const { host, bridge } = await startAgentHost(store);
  closers.push(() => host.close());
  const event = (name: string, session: string, extra: Partial<HookEvent> = {}) =>
    bridge.handle({ hook_event_name: name, session_id: session, ...extra });
  const prompt = (session: string, text: string) => event("UserPromptSubmit", session, { prompt: text });
  const stop = (session: string) => event("Stop", session);
  const report = (session: string, status: string, note = "worked") =>
    bridge.callTool(`claude:${session}`, "goal_status", { status, note });
  return { store, host, bridge, prompt, stop, report, event };
}

const decision = (output: string) => (output === "" ? undefined : JSON.parse(output));

describe("Claude Code hooks on the goal-lease host", () => {
  it("runs the start prompt as continuation 1 and continues at each Stop while the model reports continue", async () => {
    const { store, prompt, stop, report } = await agent();
    const started = decision(await prompt(A, "/goal-lease:goal start write the notes --max-turns 3"));
    const context = started.hookSpecificOutput.additionalContext as string;
    expect(started.hookSpecificOutput.hookEventName).toBe("UserPromptSubmit");
    expect(context).toMatch(/^Goal started: "write the notes".*\/goal-lease:goal pause stops it\./);
    expect(context).toContain("Goal continuation 1 of 3");

    expect(JSON.parse((await report(A, "continue")).content)).toMatchObject({ accepted: true });
    const continued = decision(await stop(A));
    expect(continued.hookSpecificOutput.hookEventName).toBe("Stop");
    expect(continued.hookSpecificOutput.additionalContext).toContain("Goal continuation 2 of 3");

    expect(JSON.parse((await report(A, "done", "all written")).content)).toMatchObject({ accepted: true });
    expect(await stop(A)).toBe("");
    expect(await readStoredGoal(store, `claude:${A}`)).toMatchObject({ status: "done", continuations: 2 });
  });

  it("answers the other subcommands in the hook, with the qualified command name, and no model turn", async () => {
    const { prompt } = await agent();
    expect(decision(await prompt(A, "/goal-lease:goal status"))).toEqual({
      decision: "block",
      reason: "No goal in this session. Start one with /goal-lease:goal start <objective>.",
    });
    expect(decision(await prompt(A, "/goal-lease:goal start"))).toMatchObject({
      decision: "block",
      reason: expect.stringMatching(/\/goal-lease:goal start <objective>/),
    });
  });

  it("never continues a session without a goal, even when another session's goal continues", async () => {
    const { prompt, stop, report } = await agent();
    await prompt(A, "/goal-lease:goal start keep going");
    await report(A, "continue");
    expect(await prompt(B, "hello")).toBe("");
    expect(await stop(B)).toBe("");
    expect(decision(await stop(A))).toMatchObject({ hookSpecificOutput: { hookEventName: "Stop" } });
  });

  it("lets the user win: a prompt during a goal turn pauses that goal and the next Stop lets go", async () => {
    const { store, prompt, stop, report } = await agent();
    await prompt(A, "/goal-lease:goal start keep going");
    await report(A, "continue");
    expect(decision(await prompt(A, "/goal-lease:goal clear"))).toMatchObject({ decision: "block" });
    expect(await stop(A)).toBe("");
    expect(await readStoredGoal(store, `claude:${A}`)).toMatchObject({ status: "cleared" });
  });

  it("takes a tool call's session from Claude Code's tool-use id, then the thread, never from arguments", async () => {
    const { bridge, event, prompt } = await agent();
    await event("PreToolUse", A, {
      tool_use_id: "toolu_1",
      tool_name: "mcp__plugin_goal-lease_goal__goal_status",
    });
    expect(sessionOfCall(bridge, { "claudecode/toolUseId": "toolu_1" }, {})).toBe(`claude:${A}`);
    expect(sessionOfCall(bridge, { threadId: "0199-thread" }, { CLAUDE_CODE_SESSION_ID: B })).toBe(
      "codex:0199-thread",
    );
    expect(sessionOfCall(bridge, {}, { CLAUDE_CODE_SESSION_ID: B })).toBe(`claude:${B}`);
    expect(() => sessionOfCall(bridge, { threadId: "../etc" }, {})).toThrow(/did not say which session/);

    await prompt(B, "/goal-lease:goal start keep b going");
    const forged = await bridge.callTool(`claude:${A}`, "goal_status", {
      status: "done",
      note: "x",
      sessionKey: `claude:${B}`,
    });
    expect(forged).toMatchObject({ isError: true });
  });

  it("reports a goal turn cut off by a crashed process as interrupted when a new process takes the session", async () => {
    const store = new MemoryStore();
    const first = await agent(store);
    await first.prompt(A, "/goal-lease:goal start keep going");
    expect(await store.listStartedLeases()).toHaveLength(1);

    const second = await agent(store);
    await second.event("SessionStart", B);
    expect(await store.listStartedLeases()).toHaveLength(1);
    // The first process died: its claim on A lapses (as it does 10 s after its last heartbeat).
    await store.releaseSessions(first.host.ownerId);
    await second.event("SessionStart", A);
    expect(await store.listStartedLeases()).toEqual([]);
    expect(await readStoredGoal(store, `claude:${A}`)).toMatchObject({ status: "paused", continuations: 1 });
  });
});

describe("the same session in two Claude Code processes", () => {
  it("runs the goal in the first; a command typed in the second is sent to it and answered", async () => {
    const store = new MemoryStore();
    const first = await agent(store);
    await first.prompt(A, "/goal-lease:goal start keep going --max-turns 5");
    const second = await agent(store);
    expect(await second.event("SessionStart", A)).toBe("");
    const paused = decision(await second.prompt(A, "/goal-lease:goal pause"));
    expect(paused).toEqual({
      decision: "block",
      reason: "Goal paused. /goal-lease:goal resume continues it.",
    });
    expect(await readStoredGoal(store, `claude:${A}`)).toMatchObject({ status: "paused" });
    expect(await second.stop(A)).toBe("");
  });
});

describe("a goal command typed while a goal turn runs (Claude Code queues it)", () => {
  const queue = (path: string, operation: string, content?: string) =>
    appendFileSync(path, `${JSON.stringify({ type: "queue-operation", operation, content })}\n`);

  it("goes before the next continuation: a queued pause leaves no continuation", async () => {
    const { store, event } = await agent();
    const transcript_path = join(mkdtempSync(join(tmpdir(), "goal-lease-queue-")), "t.jsonl");
    writeFileSync(transcript_path, "");
    const prompt = (text: string) => event("UserPromptSubmit", A, { prompt: text, transcript_path });
    const stop = () => event("Stop", A, { transcript_path });
    expect(decision(await prompt("/goal-lease:goal start write the notes --max-turns 5"))).toBeDefined();
    queue(transcript_path, "enqueue", "/goal-lease:goal pause");
    expect(await stop()).toBe("");
    queue(transcript_path, "dequeue");
    const paused = decision(await prompt("/goal-lease:goal pause"));
    expect(paused.decision).toBe("block");
    expect(paused.reason).toMatch(/paused/i);
    expect(await readStoredGoal(store, `claude:${A}`)).toMatchObject({ status: "paused", continuations: 1 });
    expect(await stop()).toBe("");
  });

  it("lets the loop go on after a queued status, and ignores ordinary queued prompts", async () => {
    const { store, event, report } = await agent();
    const transcript_path = join(mkdtempSync(join(tmpdir(), "goal-lease-queue-")), "t.jsonl");
    writeFileSync(transcript_path, "");
    const prompt = (text: string) => event("UserPromptSubmit", A, { prompt: text, transcript_path });
    const stop = () => event("Stop", A, { transcript_path });
    await prompt("/goal-lease:goal start write the notes --max-turns 5");
    await report(A, "continue");
    queue(transcript_path, "enqueue", "also fix the typo");
    queue(transcript_path, "enqueue", "/goal-lease:goal status");
    queue(transcript_path, "remove", "also fix the typo");
    expect(await stop()).toBe("");
    queue(transcript_path, "dequeue");
    const status = decision(await prompt("/goal-lease:goal status"));
    expect(status.hookSpecificOutput.additionalContext).toMatch(
      /Status: active[\s\S]*Goal continuation 2 of 5/,
    );
    await report(A, "continue");
    queue(transcript_path, "enqueue", "also fix the typo");
    expect(decision(await stop()).hookSpecificOutput.additionalContext).toContain("continuation 3 of 5");
    expect(await readStoredGoal(store, `claude:${A}`)).toMatchObject({ status: "active", continuations: 2 });
  });
});

describe("transcript usage", () => {
  it("counts each assistant message once, after the turn's start, cache tokens as input", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "goal-lease-transcript-")), "t.jsonl");
    const line = (id: string, usage: object) => JSON.stringify({ message: { id, role: "assistant", usage } });
    writeFileSync(
      path,
      [
        line("old", { input_tokens: 999, output_tokens: 999 }),
        JSON.stringify({ message: { role: "user", content: "hi" } }),
        line("m1", { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 }),
        line("m1", { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 }),
        "not json",
        line("m2", { input_tokens: 3, output_tokens: 2 }),
      ].join("\n"),
    );
    const turnStart = `${line("old", { input_tokens: 999, output_tokens: 999 })}\n`.length;
    expect(await transcriptLength(path)).toBeGreaterThan(turnStart);
    expect((await claudeCode.readTurn(path, turnStart)).usage).toEqual({ inputTokens: 103, outputTokens: 7 });
    expect((await claudeCode.readTurn(join(path, "missing"), 0)).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
    });
  });
});

describe("Codex hooks on the goal-lease host", () => {
  it("answers $goal-lease in the thread's own session and names Codex's command in replies", async () => {
    const { host, bridge } = await startAgentHost(new MemoryStore(), codex);
    closers.push(() => host.close());
    const prompt = (text: string) =>
      bridge.handle({ hook_event_name: "UserPromptSubmit", session_id: A, prompt: text });
    const started = decision(await prompt("$goal-lease start ship it --max-turns 2"));
    expect(started.hookSpecificOutput.additionalContext).toMatch(/\$goal-lease pause stops it\./);
    expect(await readStoredGoal(host.store, `codex:${A}`)).toMatchObject({ status: "active" });
    expect(await readStoredGoal(host.store, `claude:${A}`)).toBeUndefined();
    await bridge.callTool(`codex:${A}`, "goal_status", { status: "continue", note: "drafted" });
    // Codex continues a turn on a Stop block (it has no Stop additionalContext).
    const continued = decision(await bridge.handle({ hook_event_name: "Stop", session_id: A }));
    expect(continued).toMatchObject({
      decision: "block",
      reason: expect.stringContaining("continuation 2 of 2"),
    });
    expect(decision(await prompt("/goal-lease pause")).decision).toBe("block");
    expect(await readStoredGoal(host.store, `codex:${A}`)).toMatchObject({ status: "paused" });
    // Claude Code's spelling is an ordinary prompt in Codex.
    expect(await prompt("/goal-lease:goal resume")).toBe("");
  });

  it("counts each response's last_token_usage in a rollout after the turn's start", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "goal-lease-rollout-")), "r.jsonl");
    const tokens = (input: number, output: number) =>
      JSON.stringify({
        type: "event_msg",
        payload: {
          type: "token_count",
          info: {
            total_token_usage: { input_tokens: 999, output_tokens: 999 },
            last_token_usage: { input_tokens: input, cached_input_tokens: 4, output_tokens: output },
          },
        },
      });
    const before = `${tokens(500, 500)}\n`;
    writeFileSync(
      path,
      [
        before.trimEnd(),
        JSON.stringify({ type: "event_msg", payload: { type: "token_count", info: null } }),
        tokens(10, 5),
        "{ half a line",
        tokens(7, -3),
      ].join("\n"),
    );
    expect((await codex.readTurn(path, before.length)).usage).toEqual({ inputTokens: 17, outputTokens: 5 });
  });
});
