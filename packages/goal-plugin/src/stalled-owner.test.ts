import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createHost, type HostStore } from "@goal-lease/sdk";
import { PostgresStore } from "@goal-lease/sdk/postgres";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createGoalPlugin } from "./index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's PostgreSQL server, started by the root's global setup. */
    postgresUrl: string;
  }
}

const directory = mkdtempSync(join(tmpdir(), "goal-lease-stall-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const child = fileURLToPath(new URL("../test/stall/stalled-host.ts", import.meta.url));
/** The claim's lifetime in both processes: the stalled one loses the session this long after it stops. */
const ttlMs = 1_000;

/** A chat completion whose one tool call reports the goal done: what the stalled owner would write. */
const doneReply = JSON.stringify({
  id: "chatcmpl-stall",
  object: "chat.completion",
  created: 1_767_225_600,
  model: "stall",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: "All written.",
        refusal: null,
        tool_calls: [
          {
            id: "call_done",
            type: "function",
            function: { name: "goal_status", arguments: '{"status":"done","note":"the report is written"}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: "tool_calls",
    },
  ],
  usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
});

/** A model endpoint that holds every call until the test answers it. */
async function heldEndpoint() {
  const held: ServerResponse[] = [];
  let answering = false;
  let arrived: () => void = () => {};
  const firstCall = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      held.push(response);
      arrived();
      if (answering) answer();
    });
  });
  const answer = () => {
    for (const response of held.splice(0)) {
      response.writeHead(200, { "content-type": "application/json" }).end(doneReply);
    }
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    firstCall,
    /** Answers the calls held, and from now on every call at once. */
    answerAll() {
      answering = true;
      answer();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The child's JSON lines, as they come. */
function linesOf(process: ChildProcess) {
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: process.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return lines;
}

/** Waits until `done` holds; a bound on a hang (10 s of real time), not a speed check. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 10_000; !(await done()); ) {
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const stores: [string, () => { config: object; open(): Promise<HostStore> | HostStore }][] = [
  [
    "SQLite",
    () => {
      const path = join(directory, `${randomUUID()}.db`);
      return { config: { sqlite: path }, open: () => SqliteStore.open(path) };
    },
  ],
  [
    "PostgreSQL",
    () => {
      const postgres = { url: inject("postgresUrl"), schema: `t_${randomUUID().replaceAll("-", "")}` };
      return { config: { postgres }, open: () => PostgresStore.open(postgres.url, postgres) };
    },
  ],
];

describe.each(stores)("a host stalled past its claim on %s", (_name, makeStore) => {
  // The model's answer reaches the woken process after its heartbeat told it the session is gone, or
  // before (it acts on the answer with the claim it no longer has).
  const orders = [
    ["after it learned it lost the session", true],
    ["before it learns it lost the session", false],
  ] as const;
  // Real processes and a real claim's lifetime: the claim must expire in real time (about 1 s).
  it.each(orders)(
    "writes nothing when the model answers %s, and leaves the new owner's goal alone",
    async (_order, afterLoss) => {
      const endpoint = await heldEndpoint();
      const { config, open } = makeStore();
      const stalled = spawn(
        process.execPath,
        [child, JSON.stringify({ ...config, baseURL: endpoint.baseURL, ttlMs })],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      const said = linesOf(stalled);
      const store = await open();
      try {
        // The goal's first continuation is waiting on the model when the process stops.
        await endpoint.firstCall;
        stalled.kill("SIGSTOP");

        const taker = await createHost({
          model: new ScriptedModel([]),
          store,
          plugins: [createGoalPlugin()],
          ownership: { ttlMs },
        });
        // Taken once the stalled claim has expired; the in-flight continuation is recorded as interrupted.
        await until(async () => {
          try {
            await taker.openSession({ sessionKey: "s1" });
            return true;
          } catch {
            return false;
          }
        });
        const goal = await store.readState("goal", "s1", "goal");
        const generation = (await store.getSession("s1"))?.generation ?? -1;
        const transcript = await store.readTranscript("s1", { generation, limit: 1_000 });
        expect(transcript.length).toBeGreaterThan(0);
        const log = await store.readLog("goal", "s1", "goal", { limit: 1_000 });
        expect(goal?.value).toMatchObject({ status: "paused" });

        // The stalled process wakes, and its model call answers "done".
        stalled.kill("SIGCONT");
        if (afterLoss) await until(() => said.some((line) => line.event === "session-lost"));
        endpoint.answerAll();
        await until(
          () =>
            said.some((line) => line.event === "turn-end") &&
            said.some((line) => line.event === "session-lost"),
        ).catch((error) => {
          throw new Error(`${error}: ${JSON.stringify(said)}`);
        });

        expect(await store.readState("goal", "s1", "goal")).toEqual(goal);
        expect(await store.readTranscript("s1", { generation, limit: 1_000 })).toEqual(transcript);
        expect(await store.readLog("goal", "s1", "goal", { limit: 1_000 })).toEqual(log);
        expect(await store.listStartedLeases("s1")).toEqual([]);
        // It says so in its own log. A plugin that acted on the answer before the process knew had each
        // of its writes refused, and said so.
        const pluginErrors = said.filter((line) => line.event === "plugin-error");
        for (const line of pluginErrors)
          expect(line.message).toMatch(/this process lost it and wrote nothing/);
        if (afterLoss) expect(pluginErrors).toEqual([]);
        // It said it lost the session (awaited above); a turn that ended after it knew says so too.
        if (afterLoss) expect(said.some((line) => line.event === "host-error")).toBe(true);
        await taker.close();
      } finally {
        stalled.kill("SIGCONT");
        stalled.kill("SIGKILL");
        await store.close();
        await endpoint.close();
      }
    },
    30_000,
  );
});
