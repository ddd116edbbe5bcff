import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStoredGoal } from "@goal-lease/goal-plugin";
import { type Host, MemoryStore } from "@goal-lease/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type AgentDialect, claudeCode, codex } from "../agent-dialect.js";
import { startAgentHost } from "../agent-host.js";
import type { HookEvent } from "../hook-event.js";
import { sessionOfCall } from "../mcp-server.js";
import type { AgentBridgeOptions } from "./bridge-options.js";

const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The production agent host on a store, driven by hook events as Claude Code (or Codex) sends them. */
async function agent(
  store = new MemoryStore(),
  options: { dialect?: AgentDialect; bridge?: AgentBridgeOptions } = {},
) {
  const dialect = options.dialect ?? claudeCode;
  const { host, bridge } = await startAgentHost(store, dialect, options.bridge);
  closers.push(async () => {
    bridge.close();
    await host.close();
  });
  const event = (name: string, session: string, extra: Partial<HookEvent> = {}) =>
    bridge.handle({ hook_event_name: name, session_id: session, ...extra });
  const prompt = (session: string, text: string) => event("UserPromptSubmit", session, { prompt: text });
  const stop = (session: string) => event("Stop", session);
  const report = (session: string, status: string, note = "worked", extra: object = {}) =>
    bridge.callTool(dialect.sessionKey(session), "goal_status", { status, note, ...extra });
  const goal = (session: string) => readStoredGoal(store, dialect.sessionKey(session));
  return { store, host, bridge, prompt, stop, report, event, goal };
}

/**
 * The agent in a goal's first turn, started by a prompt whose transcript is `transcript_path` (`before`
 * writes what it holds already), after the model reported `continue`.
 */
async function inGoalTurn(dialect: AgentDialect = claudeCode, before?: (path: string) => void) {
  const started = await agent(new MemoryStore(), { dialect });
  const transcript_path = transcript();
  before?.(transcript_path);
  const command = dialect === codex ? "$goal-lease" : "/goal-lease:goal";
  await started.event("UserPromptSubmit", A, {
    prompt: `${command} start polish it --max-turns 5`,
    transcript_path,
  });
  await started.report(A, "continue");
  return { ...started, transcript_path };
}

/** `goal-lease wake` from another shell, as the host gets it. */
const wakeFromShell = (host: Host, sessionKey: string) =>
  host.control({
    sessionKey,
    pluginId: "goal",
    verb: "wake",
    input: {},
    sender: { id: "shell", isOwner: true },
  });

/** A transcript file of its own, empty. */
function transcript(): string {
  const path = join(mkdtempSync(join(tmpdir(), "goal-lease-transcript-")), "t.jsonl");
  writeFileSync(path, "");
  return path;
}

const appendLine = (path: string, line: object) => appendFileSync(path, `${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (a bounded while) until `check` holds; the file watcher and timers act on their own. */
async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(20)) {
    if (await check()) return true;
  }
  return check();
}

/** An assistant message as Claude Code writes it to its transcript, with the usage the model reported. */
const claudeAnswer = (id: string, text: string) => ({
  type: "assistant",
  message: {
    id,
    role: "assistant",
    content: [{ type: "text", text }],
    usage: { input_tokens: 10, output_tokens: 5 },
  },
});

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
});

describe("the person interrupts a goal turn", () => {
  it("with Esc in Claude Code: the goal pauses as the person's pause at once, and their typed pause is it", async () => {
    const { event, goal } = await agent();
    const transcript_path = transcript();
    const prompt = (text: string) => event("UserPromptSubmit", A, { prompt: text, transcript_path });
    await prompt("/goal-lease:goal start write the notes --max-turns 5");
    appendLine(transcript_path, claudeAnswer("m1", "Half of the notes."));
    // Esc: Claude Code records the interruption and runs no Stop hook.
    appendLine(transcript_path, {
      type: "user",
      message: { role: "user", content: [{ type: "text", text: "[Request interrupted by user]" }] },
    });
    expect(await until(async () => (await goal(A))?.status === "paused")).toBe(true);
    expect(await goal(A)).toMatchObject({
      statusReason: "the person interrupted a goal turn",
      continuations: 1,
      tokensUsed: 15,
    });
    expect(decision(await prompt("/goal-lease:goal pause"))).toEqual({
      decision: "block",
      reason: "Goal paused. /goal-lease:goal resume continues it.",
    });
    const events = decision(await prompt("/goal-lease:goal events")).reason as string;
    expect(events).toContain('active -> paused by user: "the person interrupted a goal turn"');
    expect(events).not.toContain("model_error");
  });

  it("learned only from the next prompt: a typed pause is the pause, never a model error", async () => {
    const { prompt, goal } = await agent();
    await prompt(A, "/goal-lease:goal start write the notes --max-turns 5");
    expect(decision(await prompt(A, "/goal-lease:goal pause"))).toEqual({
      decision: "block",
      reason: "Goal paused. /goal-lease:goal resume continues it.",
    });
    expect(await goal(A)).toMatchObject({
      status: "paused",
      statusReason: "paused by the user",
      continuations: 1,
    });
    expect(decision(await prompt(A, "/goal-lease:goal events")).reason).not.toContain("model_error");
  });

  it("learned from a plain prompt: the goal pauses for the person and their message goes on", async () => {
    const { prompt, goal } = await agent();
    await prompt(A, "/goal-lease:goal start write the notes --max-turns 5");
    expect(await prompt(A, "wait, use British spelling")).toBe("");
    expect(await goal(A)).toMatchObject({
      status: "paused",
      statusReason: "the person interrupted a goal turn",
    });
  });
});

describe("a turn's usage, as the agent records it", () => {
  it("waits for Claude Code to write the usage of the turn a Stop hook reports", async () => {
    const { event, goal, transcript_path } = await inGoalTurn();
    // Claude Code runs the Stop hook before its transcript has the turn's last message and usage.
    setTimeout(() => appendLine(transcript_path, claudeAnswer("m1", "Polished the intro.")), 150);
    const stopped = event("Stop", A, { transcript_path, last_assistant_message: "Polished the intro." });
    expect(decision(await stopped).hookSpecificOutput.additionalContext).toContain(
      "Goal continuation 2 of 5",
    );
    expect(await goal(A)).toMatchObject({ continuations: 1, tokensUsed: 15 });
  });

  it("waits for Codex to write the token count of the response a Stop hook reports", async () => {
    const { event, goal, transcript_path } = await inGoalTurn(codex);
    const message = { role: "assistant", content: [{ type: "output_text", text: "Polished the intro." }] };
    appendLine(transcript_path, { type: "response_item", payload: { type: "message", ...message } });
    setTimeout(() => {
      const last_token_usage = { input_tokens: 10, output_tokens: 5 };
      appendLine(transcript_path, {
        type: "event_msg",
        payload: { type: "token_count", info: { last_token_usage } },
      });
    }, 150);
    await event("Stop", A, { transcript_path, last_assistant_message: "Polished the intro." });
    expect(await goal(A)).toMatchObject({ continuations: 1, tokensUsed: 15 });
  });
});

describe("a turn's price, at the model the agent records", () => {
  it("Claude Code: priced at the model of the turn's messages, cache reads at the cached price", async () => {
    const { event, goal, transcript_path } = await inGoalTurn();
    const answer = claudeAnswer("m1", "Polished.");
    const usage = { input_tokens: 1_000, cache_read_input_tokens: 9_000, output_tokens: 500 };
    appendLine(transcript_path, {
      ...answer,
      message: { ...answer.message, model: "claude-sonnet-4-5-20250929", usage },
    });
    await event("Stop", A, { transcript_path, last_assistant_message: "Polished." });
    // $3 / $0.30 / $15 per million: 1,000 x 3 + 9,000 x 0.3 + 500 x 15 = 13,200 millionths of a dollar.
    const stored = await goal(A);
    expect(stored).toMatchObject({ continuations: 1, tokensUsed: 10_500 });
    expect(stored?.costUsd).toBeCloseTo(0.0132, 10);
    expect(stored?.unpricedTurns ?? 0).toBe(0);
  });

  it("Codex: a continuation inside the same Codex turn is priced at the turn context written before it", async () => {
    const { event, goal, transcript_path } = await inGoalTurn(codex, (path) =>
      appendLine(path, { type: "turn_context", payload: { model: "gpt-5-mini" } }),
    );
    const usage = { input_tokens: 2_000, cached_input_tokens: 1_000, output_tokens: 100 };
    appendLine(transcript_path, { type: "token_usage_record", payload: { response_id: "r1", usage } });
    await event("Stop", A, { transcript_path });
    // $0.25 / $0.025 / $2 per million: 1,000 x 0.25 + 1,000 x 0.025 + 100 x 2 = 475 millionths.
    const stored = await goal(A);
    expect(stored).toMatchObject({ continuations: 1, tokensUsed: 2_100 });
    expect(stored?.costUsd).toBeCloseTo(0.000475, 10);
  });

  it("a model the prices do not know (or a name that is not one) is unknown, never free", async () => {
    const { event, goal, transcript_path } = await inGoalTurn();
    const answer = claudeAnswer("m1", "Polished.");
    appendLine(transcript_path, { ...answer, message: { ...answer.message, model: "no model\u202e" } });
    await event("Stop", A, { transcript_path, last_assistant_message: "Polished." });
    expect(await goal(A)).toMatchObject({ continuations: 1, tokensUsed: 15, unpricedTurns: 1 });
  });
});

describe("waking an idle session", () => {
  it("Claude Code: the background Stop hook waits out the goal's wait and exits with its continuation, once", async () => {
    const { event, report, stop, goal } = await agent();
    await event("UserPromptSubmit", A, { prompt: "/goal-lease:goal start watch CI --max-turns 5" });
    await report(A, "waiting", "CI", { wait_seconds: 1 });
    // Claude Code runs both Stop hooks at once; the background one may arrive first.
    const waker = event("Stop", A, { goal_lease_role: "wake" });
    expect(await stop(A)).toBe("");
    expect(await goal(A)).toMatchObject({ status: "waiting" });
    const woken = JSON.parse(await waker) as { wake: string };
    expect(woken.wake).toContain("Goal continuation 2 of 5");
    expect(await goal(A)).toMatchObject({ status: "active" });
    // The woken turn is the continuation; its Stop ends it.
    await report(A, "done", "CI is green");
    expect(await stop(A)).toBe("");
    expect(await goal(A)).toMatchObject({ status: "done", continuations: 2 });
  });

  it("Claude Code: the background Stop hook exits at once when nothing will wake the session", async () => {
    const { event, prompt, report, stop } = await agent();
    expect(await event("Stop", B, { goal_lease_role: "wake" })).toBe("");
    await prompt(A, "/goal-lease:goal start watch CI --max-turns 5");
    await report(A, "done", "nothing to wait for");
    const waker = event("Stop", A, { goal_lease_role: "wake" });
    expect(await stop(A)).toBe("");
    expect(await waker).toBe("");
  });

  it("Claude Code: a wake from another shell ends the wait early, and the waker exits with it", async () => {
    const { host, event, report, stop } = await agent();
    await event("UserPromptSubmit", A, { prompt: "/goal-lease:goal start watch CI --max-turns 5" });
    await report(A, "waiting", "CI", { wait_seconds: 600 });
    expect(await stop(A)).toBe("");
    const waker = event("Stop", A, { goal_lease_role: "wake" });
    const woken = await wakeFromShell(host, `claude:${A}`);
    expect(woken.reply).toBe("Goal woken: its next continuation runs now.");
    expect((JSON.parse(await waker) as { wake: string }).wake).toContain("Goal continuation 2 of 5");
  });

  it("where nothing can wake the idle session (no waker), a wake says the continuation runs at its next turn end", async () => {
    const { host, event, report, stop } = await agent();
    await event("UserPromptSubmit", A, { prompt: "/goal-lease:goal start watch CI --max-turns 5" });
    await report(A, "waiting", "CI", { wait_seconds: 600 });
    expect(await stop(A)).toBe("");
    const woken = await wakeFromShell(host, `claude:${A}`);
    expect(woken.reply).toBe(
      "Goal woken: its next continuation runs when this session's next turn ends (this host cannot wake the idle session).",
    );
  });

  it("Codex: the continuation is queued as the idle thread's next prompt, which runs as the continuation", async () => {
    const queued: Array<[string, string]> = [];
    const queueMessage = async (thread: string, message: string) => {
      queued.push([thread, message]);
      return true;
    };
    const { prompt, report, stop, goal } = await agent(new MemoryStore(), {
      dialect: codex,
      bridge: { queueMessage },
    });
    await prompt(A, "$goal-lease start watch CI --max-turns 5");
    await report(A, "waiting", "CI", { wait_seconds: 1 });
    expect(await stop(A)).toBe("");
    expect(await until(async () => queued.length === 1)).toBe(true);
    const [thread, message] = queued[0] ?? [];
    expect(thread).toBe(A);
    expect(message).toContain("Goal continuation 2 of 5");
    expect(await prompt(A, message ?? "")).toBe("");
    await report(A, "done", "CI is green");
    expect(await stop(A)).toBe("");
    expect(await goal(A)).toMatchObject({ status: "done", continuations: 2 });
    expect(queued).toHaveLength(1);
  });
});

describe("the person's check, when the model reports done", () => {
  /** A check command: a node script that fails its first `failures` runs (printing why), after `ms`. */
  function checkScript(failures: number, ms = 0): string {
    const folder = mkdtempSync(join(tmpdir(), "goal-lease-check-"));
    const script = join(folder, "check.cjs");
    writeFileSync(
      script,
      `const fs = require("fs"); const f = ${JSON.stringify(join(folder, "runs"))};
       const n = (fs.existsSync(f) ? Number(fs.readFileSync(f, "utf8")) : 0) + 1; fs.writeFileSync(f, String(n));
       setTimeout(() => { if (n <= ${failures}) { console.log("check says no"); process.exit(1); } }, ${ms});`,
    );
    return `node ${script}`;
  }

  it("Claude Code: the Stop waits for the check; a failure continues the turn with its output, a pass ends the goal", async () => {
    const { prompt, report, stop, goal } = await agent();
    await prompt(A, `/goal-lease:goal start ship it --max-turns 5 --check "${checkScript(1)}"`);
    await report(A, "done", "shipped");
    expect(await goal(A)).toMatchObject({ status: "active", check: { running: expect.anything() } });
    const continued = await stop(A);
    expect(continued).toContain("Goal continuation 2 of 5");
    expect(continued).toContain("check says no");
    await report(A, "done", "shipped again");
    expect(await stop(A)).toBe("");
    expect(await goal(A)).toMatchObject({
      status: "done",
      continuations: 2,
      check: { runs: 2, failures: 1 },
    });
  });

  it("Claude Code: a check longer than the Stop's wait goes on; its failure wakes the idle session", async () => {
    const { event, prompt, report, stop, goal } = await agent(new MemoryStore(), {
      bridge: { checkWaitMs: 50 },
    });
    await prompt(A, `/goal-lease:goal start ship it --max-turns 5 --check "${checkScript(1, 500)}"`);
    await report(A, "done", "shipped");
    const waker = event("Stop", A, { goal_lease_role: "wake" });
    expect(await stop(A)).toBe("");
    const woken = JSON.parse(await waker) as { wake: string };
    expect(woken.wake).toContain("Goal continuation 2 of 5");
    expect(woken.wake).toContain("check says no");
    expect(await goal(A)).toMatchObject({ status: "active", check: { runs: 1, failures: 1 } });
  });

  it("runs in the agent's folder, as its hooks give it, not in this server's", async () => {
    const { event, report, stop, goal } = await agent();
    const folder = mkdtempSync(join(tmpdir(), "goal-lease-project-"));
    const script = join(mkdtempSync(join(tmpdir(), "goal-lease-check-")), "where.cjs");
    writeFileSync(
      script,
      `if (process.cwd() !== process.argv[2]) { console.log("ran in " + process.cwd()); process.exit(1); }`,
    );
    expect(process.cwd()).not.toBe(folder);
    await event("UserPromptSubmit", A, {
      prompt: `/goal-lease:goal start ship it --max-turns 5 --check "node ${script} ${folder}"`,
      cwd: folder,
    });
    await report(A, "done", "shipped");
    expect(await stop(A)).toBe("");
    expect(await goal(A)).toMatchObject({ status: "done", check: { runs: 1, failures: 0 } });
  });

  it("Codex: the Stop waits for the check and continues the turn with its failure", async () => {
    const { prompt, report, stop, goal } = await agent(new MemoryStore(), { dialect: codex });
    await prompt(A, `$goal-lease start ship it --max-turns 5 --check "${checkScript(1)}"`);
    await report(A, "done", "shipped");
    expect(await stop(A)).toContain("check says no");
    await report(A, "done", "shipped again");
    expect(await stop(A)).toBe("");
    expect(await goal(A)).toMatchObject({ status: "done", check: { runs: 2, failures: 1 } });
  });
});

describe("a goal turn the agent gives up on", () => {
  it("Claude Code's StopFailure for a rate limit: usage_limited until the reset, then its waker wakes it once", async () => {
    const { event, report, stop, goal } = await agent();
    await event("UserPromptSubmit", A, { prompt: "/goal-lease:goal start watch CI --max-turns 5" });
    const failed = event("StopFailure", A, {
      goal_lease_role: "wake",
      error: "rate_limit",
      last_assistant_message: "API Error: Rate limited. Try again in 1 second.",
    });
    expect(await until(async () => (await goal(A))?.status === "usage_limited")).toBe(true);
    expect((await goal(A))?.wakeAt).toBeGreaterThan(Date.now());
    expect((JSON.parse(await failed) as { wake: string }).wake).toContain("Goal continuation 1 of 5");
    await report(A, "done", "finished after the limit");
    expect(await stop(A)).toBe("");
    expect(await goal(A)).toMatchObject({ status: "done", continuations: 1 });
  });

  it("Claude Code's StopFailure for anything else: the goal pauses at once, saying why", async () => {
    const { event, goal } = await agent();
    await event("UserPromptSubmit", A, { prompt: "/goal-lease:goal start watch CI --max-turns 5" });
    const failed = event("StopFailure", A, {
      goal_lease_role: "wake",
      error: "server_error",
      last_assistant_message: "API Error: 500 Internal server error",
    });
    expect(await failed).toBe("");
    expect(await goal(A)).toMatchObject({ status: "paused", statusGate: "model_error" });
  });

  it("Codex's usage limit, recorded in its rollout: usage_limited at once, with the time it gave", async () => {
    const { event, goal } = await agent(new MemoryStore(), { dialect: codex });
    const transcript_path = transcript();
    await event("UserPromptSubmit", A, {
      prompt: "$goal-lease start watch CI --max-turns 5",
      transcript_path,
    });
    appendLine(transcript_path, {
      type: "event_msg",
      payload: {
        type: "task_complete",
        error: {
          message: "You've hit your usage limit. Try again in 2 minutes.",
          codex_error_info: "usage_limit_exceeded",
        },
      },
    });
    expect(await until(async () => (await goal(A))?.status === "usage_limited")).toBe(true);
    const wakeAt = (await goal(A))?.wakeAt ?? 0;
    expect(wakeAt - Date.now()).toBeGreaterThan(100_000);
    expect(wakeAt - Date.now()).toBeLessThanOrEqual(120_000);
  });
});

describe("a goal_status call that closes the goal", () => {
  it("ends the agent's turn at once (PostToolUse), so its result costs no model request", async () => {
    const { event, prompt, report, goal, stop } = await agent();
    await prompt(A, "/goal-lease:goal start write the notes --max-turns 5");
    await report(A, "continue");
    expect(await event("PostToolUse", A, { tool_name: "mcp__plugin_goal-lease_goal__goal_status" })).toBe("");
    await report(A, "done", "written");
    expect(
      decision(await event("PostToolUse", A, { tool_name: "mcp__plugin_goal-lease_goal__goal_status" })),
    ).toEqual({
      continue: false,
      stopReason: "goal-lease: the goal is done",
    });
    // No Stop hook runs after it: the turn has ended, counted.
    expect(await goal(A)).toMatchObject({ status: "done", continuations: 1 });
    expect(await stop(A)).toBe("");
  });

  it("lets a turn whose goal now waits end as usual, so its Stop can wake the session later", async () => {
    const { event, prompt, report } = await agent();
    await prompt(A, "/goal-lease:goal start watch CI --max-turns 5");
    await report(A, "waiting", "CI", { wait_seconds: 60 });
    expect(await event("PostToolUse", A, { tool_name: "mcp__plugin_goal-lease_goal__goal_status" })).toBe("");
  });
});
