import type { HostEvent, HostStore, ModelMessage, PriceTable, SendResult } from "@goal-lease/sdk";
import {
  createTestHost,
  ScriptedModel,
  type ScriptedReply,
  type ScriptedStep,
  type TestHost,
} from "@goal-lease/sdk/testing";
import {
  createGoalPlugin,
  type Goal,
  type GoalEvent,
  type GoalPluginOptions,
  readStoredGoal,
  readStoredGoalEvents,
} from "../src/index.js";

/** The session owner. */
export const owner = Object.freeze({ id: "owner", isOwner: true });

/** A goal_status call as a scripted model step. */
export function report(
  status: "continue" | "done" | "blocked" | "waiting_approval",
  note: string,
): ScriptedReply {
  return { toolCalls: [{ name: "goal_status", input: { status, note } }] };
}

/** A model turn that reports: one model call, since the report closes the turn. */
export function turn(
  status: "continue" | "done" | "blocked" | "waiting_approval",
  note: string,
): ScriptedStep[] {
  return [report(status, note)];
}

/** The production test host with the goal plugin loaded and session `s1` open. */
export interface GoalHarness extends TestHost {
  model: ScriptedModel;
  turnStarts: HostEvent<"turn-start">[];
  send(
    text: string,
    options?: { sessionKey?: string; sender?: { id: string; isOwner: boolean } },
  ): Promise<SendResult>;
  /** Runs a command and returns its reply. */
  command(text: string, sessionKey?: string): Promise<string>;
  goal(sessionKey?: string): Promise<GoalWithEvents | undefined>;
  /** Runs a command as `sender` and returns its reply. */
  commandAs(text: string, sender: { id: string; isOwner: boolean }, sessionKey?: string): Promise<string>;
  /** The tool results a session's transcript holds, oldest first. */
  toolResults(sessionKey?: string): Promise<ToolResultMessage[]>;
}

/** A tool result as the model sees it. */
export type ToolResultMessage = Extract<ModelMessage, { role: "tool" }>;

/** Tool results that are JSON objects, parsed; the goal_status tool answers with one. */
export function parsedResult(message: ToolResultMessage | undefined): Record<string, unknown> {
  if (!message) throw new Error("no tool result");
  return JSON.parse(message.content) as Record<string, unknown>;
}

export async function createGoalHarness(
  steps: ScriptedStep[],
  options: GoalPluginOptions & { sessions?: string[]; prices?: PriceTable } = {},
): Promise<GoalHarness> {
  const model = new ScriptedModel(steps);
  const testHost = await createTestHost({
    model,
    plugins: [createGoalPlugin(options)],
    ...(options.prices ? { prices: options.prices } : {}),
  });
  for (const sessionKey of options.sessions ?? ["s1"]) await testHost.host.openSession({ sessionKey });
  const turnStarts: HostEvent<"turn-start">[] = [];
  testHost.host.on("turn-start", (event) => turnStarts.push(event));
  const send: GoalHarness["send"] = (text, { sessionKey = "s1", sender = owner } = {}) =>
    testHost.host.send({ sessionKey, text, sender });
  return {
    ...testHost,
    model,
    turnStarts,
    send,
    async command(text, sessionKey = "s1") {
      const result = await send(text, { sessionKey });
      if (result.kind !== "command") throw new Error(`${text} did not run as a command`);
      return result.command.reply;
    },
    async commandAs(text, sender, sessionKey = "s1") {
      const result = await send(text, { sessionKey, sender });
      if (result.kind !== "command") throw new Error(`${text} did not run as a command`);
      return result.command.reply;
    },
    async toolResults(sessionKey = "s1") {
      // From the transcript, not the model's requests: a report that closes its turn is never sent back.
      const session = await testHost.store.getSession(sessionKey);
      const entries = await testHost.store.readTranscript(sessionKey, {
        generation: session?.generation ?? 0,
        limit: 10_000,
      });
      return entries.flatMap(({ message }) => (message.role === "tool" ? [message] : []));
    },
    goal: (sessionKey = "s1") => storedGoalWithEvents(testHost.store, sessionKey),
  };
}

/** A stored goal with its events, as `/goal events` reads them from the store's log. */
export type GoalWithEvents = Goal & { events: GoalEvent[] };

/** A session's stored goal with its events attached, for checks on both. */
export async function storedGoalWithEvents(
  store: HostStore,
  sessionKey: string,
): Promise<GoalWithEvents | undefined> {
  const goal = await readStoredGoal(store, sessionKey);
  return goal && { ...goal, events: await readStoredGoalEvents(store, sessionKey, goal) };
}
