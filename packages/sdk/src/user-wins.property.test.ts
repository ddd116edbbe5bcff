import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hoppingStore } from "../test/hopping-store.js";
import { freshPostgresStore } from "../test/postgres-store.js";
import { owner } from "../test/probe-plugin.js";
import { createHost, type Host } from "./host/host.js";
import { definePlugin } from "./plugin.js";
import { MemoryStore } from "./store/memory/memory-store.js";
import { SqliteStore } from "./store/sqlite/sqlite-store.js";
import type { HostStore } from "./store/store.js";
import { FakeClock, ScriptedModel, settle } from "./testing/index.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-user-wins-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const hop = () => new Promise<void>((resolve) => setImmediate(resolve));
const hops = async (count: number) => {
  for (let left = count; left > 0; left--) await hop();
};

/** One interleaving: where the person's message lands among the admission's awaits. */
const interleaving = fc.record({
  /** Event-loop hops between the lease's request and the person's message. */
  messageAfter: fc.nat({ max: 24 }),
  /** Hops the plugin's admission hook takes to answer. */
  admissionHops: fc.nat({ max: 4 }),
  /** A second message, sent this many hops after the first (or none). */
  secondAfter: fc.option(fc.nat({ max: 12 }), { nil: undefined }),
});

/**
 * Invariant 4, over random interleavings: a continuation turn never starts while a person's message is
 * queued, wherever between the lease's request and its turn's start that message arrives (the store's
 * claim, the plugin's admission hook, the inbox check); the continuation then runs once, after them.
 */
const stores: [string, () => HostStore | Promise<HostStore>][] = [
  ["memory store", () => new MemoryStore()],
  ["store whose every call yields", () => hoppingStore(new MemoryStore(), () => 2)],
  ["SQLite store", () => SqliteStore.open(join(directory, `${randomUUID()}.db`))],
  ["PostgreSQL store", () => freshPostgresStore()],
];

describe.each(stores)("a person's message wins over a due continuation on the %s", (_name, open) => {
  // One store and host for the file's rounds; each round has a session of its own.
  let store: HostStore;
  let host: Host;
  let clock: FakeClock;
  let admissionHops = 0;
  /** What happened, in order: a message queued, a turn started. */
  const log: string[] = [];
  beforeAll(async () => {
    store = await open();
    clock = new FakeClock();
    const model = new ScriptedModel();
    model.generate = async () => ({ text: "ok", toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 } });
    const plugin = definePlugin({
      id: "probe",
      register(api) {
        api.registerCommand({
          name: "go",
          description: "asks for one continuation now",
          async execute(_args, context) {
            const result = await api.session.workflow.requestSessionContinuationLease({
              session: context,
              leaseKey: "next",
              message: "continue",
            });
            return result.status;
          },
        });
        api.on("lease-admission", async () => {
          await hops(admissionHops);
          return true;
        });
      },
    });
    host = await createHost({ model, plugins: [plugin], clock, store });
    host.on("turn-start", ({ sessionKey, kind }) => log.push(`${sessionKey} start ${kind}`));
    return async () => {
      await host.close();
      await store.close();
    };
  });

  it("in 40 random interleavings: no continuation starts while a message waits; it runs once, after", async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(interleaving, async (step) => {
        const sessionKey = `s${++round}`;
        admissionHops = step.admissionHops;
        await host.openSession({ sessionKey });
        const sent: Promise<unknown>[] = [];
        const message = (text: string) => {
          // `send` queues the message before it returns its promise: the log has it in queue order.
          log.push(`${sessionKey} queued`);
          sent.push(host.send({ sessionKey, text, sender: owner }));
        };
        expect(await host.send({ sessionKey, text: "/go", sender: owner })).toMatchObject({
          command: { reply: "scheduled" },
        });
        // The lease falls due: its admission starts, and the message lands somewhere among its awaits.
        void clock.advance(0);
        await hops(step.messageAfter);
        message("hello");
        if (step.secondAfter !== undefined) {
          await hops(step.secondAfter);
          message("and this");
        }
        await Promise.all(sent);
        await settle(host, clock);

        const mine = log
          .filter((line) => line.startsWith(`${sessionKey} `))
          .map((line) => line.slice(sessionKey.length + 1));
        let waiting = 0;
        for (const line of mine) {
          if (line === "queued") waiting++;
          if (line === "start user") waiting--;
          if (line === "start continuation") expect(waiting, mine.join(", ")).toBe(0);
        }
        expect(mine.filter((line) => line === "start continuation")).toHaveLength(1);
        expect(mine.filter((line) => line === "start user")).toHaveLength(
          step.secondAfter === undefined ? 1 : 2,
        );
      }),
      { numRuns: 40, seed: 2026 },
    );
  });
});
