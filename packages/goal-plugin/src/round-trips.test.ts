import { randomUUID } from "node:crypto";
import { createHost, type Model } from "@goal-lease/sdk";
import { PostgresStore } from "@goal-lease/sdk/postgres";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createGoalPlugin } from "./index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's PostgreSQL server, started by the root's global setup. */
    postgresUrl: string;
  }
}

/** Statements this file's stores sent, by the turn they were sent in (a turn ends at its `turn-end`). */
let sent = 0;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function counted(
  this: unknown,
  ...args: unknown[]
) {
  sent++;
  return query.apply(this, args);
};

const usage = { inputTokens: 10, outputTokens: 5 };
let step = 0;
/** Each goal turn reports `continue`, or (`quiet`) ends with a new note and no report. */
const model = (report: boolean): Model => ({
  id: "counted",
  async generate(request) {
    const last = request.messages.at(-1);
    if (last?.role !== "user" || last.origin !== "continuation") return { text: "", toolCalls: [], usage };
    step++;
    if (!report) return { text: `did step ${step}`, toolCalls: [], usage };
    const input = { status: "continue", note: `step ${step}` };
    return { text: "", toolCalls: [{ id: `c${step}`, name: "goal_status", input }], usage };
  },
});

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

describe("a goal's continuation turn, one session alone on PostgreSQL", () => {
  it.each([
    ["reports continue", true],
    ["ends with a note and no report", false],
  ])("costs three round trips when its model %s", async (_name, report) => {
    const store = await PostgresStore.open(inject("postgresUrl"), {
      schema: `t_${randomUUID().replaceAll("-", "")}`,
    });
    const host = await createHost({ model: model(report), store, plugins: [createGoalPlugin()] });
    closing.push(async () => {
      await host.close();
      await store.close();
    });
    const perTurn: number[] = [];
    let mark = 0;
    const done = new Promise<void>((resolve) => {
      host.on("turn-end", (event) => {
        if (event.kind !== "continuation") return;
        perTurn.push(sent - mark);
        mark = sent;
        if (perTurn.length === 6) resolve();
      });
    });
    await host.openSession({ sessionKey: "alone" });
    const owner = { id: "owner", isOwner: true };
    await host.send({
      sessionKey: "alone",
      text: "/goal start count the round trips --max-turns 6",
      sender: owner,
    });
    mark = sent;
    await done;
    await host.idle();
    // From one turn's end to the next: its claim with its input, its report with the next lease (or, with
    // no report, nothing), and its reply with the turn's accounts (and, with no report, the next lease);
    // the last turn stops the goal instead. The first turn also pays for the goal's start.
    expect(perTurn.slice(1, -1)).toEqual([3, 3, 3, 3]);
  });
});
