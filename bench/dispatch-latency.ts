// Continuation dispatch latency: from goal_status(continue) returning to the next continuation turn's
// model call, with a 0 ms lease; baseline: the same hop through setImmediate.
import { performance } from "node:perf_hooks";
import type { Host, HostStore } from "../packages/sdk/dist/index.js";
import { goalHost, owner, percentiles } from "./lib.ts";

/** Starts a goal of `turns` continuations in a new session and resolves when its last turn has ended. */
/** Each host's goals waiting for their continuation turns to end, by session: one listener per host. */
const waiting = new WeakMap<Host, Map<string, () => void>>();

function onContinuationEnd(host: Host, sessionKey: string, ended: () => void): void {
  let sessions = waiting.get(host);
  if (!sessions) {
    const byKey = new Map<string, () => void>();
    // One listener however many goals run, so the bench's own bookkeeping does not grow with them.
    host.on("turn-end", (event) => {
      if (event.kind === "continuation") byKey.get(event.sessionKey)?.();
    });
    waiting.set(host, byKey);
    sessions = byKey;
  }
  sessions.set(sessionKey, ended);
}

export async function runGoal(host: Host, sessionKey: string, turns: number): Promise<void> {
  await host.openSession({ sessionKey });
  let ended = 0;
  const finished = new Promise<void>((resolve) => {
    onContinuationEnd(host, sessionKey, () => {
      if (++ended < turns) return;
      waiting.get(host)?.delete(sessionKey);
      resolve();
    });
  });
  await host.send({ sessionKey, text: `/goal start benchmark goal --max-turns ${turns}`, sender: owner });
  await finished;
  await host.idle();
}

/** With `turnEnded`, called at the end of every continuation turn (the PostgreSQL run counts round trips). */
export async function measureDispatch(store: HostStore, continuations: number, turnEnded?: () => void) {
  const host = await goalHost({ store });
  if (turnEnded) {
    host.on("turn-end", (event) => {
      if (event.kind === "continuation") turnEnded();
    });
  }
  const marks = new Map<string, number>();
  const samples: number[] = [];
  host.on("tool-call", (event) => {
    if (event.name === "goal_status") marks.set(event.sessionKey, performance.now());
  });
  host.on("model-call", (event) => {
    const mark = marks.get(event.sessionKey);
    if (event.step !== 1 || mark === undefined) return;
    samples.push(performance.now() - mark);
    marks.delete(event.sessionKey);
  });
  for (let goal = 0; samples.length < continuations; goal++) {
    // The last goal_status of a goal hits the cap and has no next turn, so each goal yields turns - 1 hops.
    const turns = Math.min(1_000, continuations - samples.length + 1);
    await runGoal(host, `latency-${goal}`, turns);
    marks.clear();
  }
  await host.close();
  return percentiles(samples);
}

export async function measureSetImmediate(count: number) {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await new Promise<void>((resolve) => setImmediate(resolve));
    samples.push(performance.now() - start);
  }
  return percentiles(samples);
}
