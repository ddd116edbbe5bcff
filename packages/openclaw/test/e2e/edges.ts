// The goal's edges in the real OpenClaw gateway: a wait that wakes by itself, usage limits OpenClaw gives up
// on (with and without a reset time), and a goal run the person cuts short by writing into the session.
import type { SeenRequest } from "./mock-model.ts";

const WAIT = "agent:main:edge-wait";
const LIMIT = "agent:main:edge-limit";
const QUOTA = "agent:main:edge-quota";
const CUT = "agent:main:edge-cut";
const edge = /^agent:main:edge-/;

type Reply = ReturnType<import("./mock-model.ts").Script>;
const report = (status: string, note: string, extra: object = {}) => ({
  tool: "goal_status",
  args: { status, note, ...extra },
});
const refusedOnce = new Set<string>();

/** The scripted model's replies in the edge sessions; undefined for any other session. */
export function edgeScript(request: SeenRequest, count: number): Reply | undefined {
  if (!edge.test(request.session)) return undefined;
  if (request.kind === "tool-result") return { text: "noted" };
  if (request.kind !== "continuation") return { text: "ok" };
  const refuse = (message: string): Reply | undefined => {
    if (refusedOnce.has(request.session)) return undefined;
    refusedOnce.add(request.session);
    return { error: { status: 429, message } };
  };
  if (request.session === WAIT && count === 1) return report("waiting", "CI", { wait_seconds: 20 });
  if (request.session === LIMIT)
    return refuse("Rate limit reached for requests. Please try again in 20s.") ?? report("done", "shipped");
  if (request.session === QUOTA)
    return refuse("You exceeded your current quota, please check your plan.") ?? report("done", "shipped");
  if (request.session === CUT && count === 1) return { text: "working on it", delayMs: 8_000 };
  return report("done", "shipped");
}

interface Gateway {
  command(sessionKey: string, text: string): Promise<string>;
  chat(sessionKey: string, text: string, wait?: boolean): Promise<unknown>;
  requests(sessionKey: string): SeenRequest[];
  /** `goal-lease <args> --session <sessionKey>` against the gateway's store, from another process. */
  cli(sessionKey: string, ...args: string[]): string;
  check(name: string, ok: boolean, detail?: unknown): void;
  waitFor(condition: () => boolean, timeoutMs?: number): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const continuations = (gateway: Gateway, sessionKey: string) =>
  gateway.requests(sessionKey).filter((request) => request.kind === "continuation");

export async function edgeChecks(gateway: Gateway): Promise<string> {
  const { check, waitFor, cli } = gateway;
  const status = (sessionKey: string) => cli(sessionKey, "status");

  // A 20 s wait: nothing runs meanwhile, then its one continuation, by itself.
  await gateway.command(WAIT, "/goal-lease start ship after CI --max-turns 4");
  await waitFor(() => /Status: waiting/.test(status(WAIT)), 60_000);
  // The wait began with the goal_status call, just before its result went back to the model.
  const reported = gateway.requests(WAIT).find((request) => request.kind === "tool-result");
  const waitEnds = (reported?.receivedAt ?? Date.now()) + 20_000;
  await waitFor(() => continuations(gateway, WAIT).length === 2, 90_000);
  await waitFor(() => /Status: done/.test(status(WAIT)), 30_000);
  const [, woke] = continuations(gateway, WAIT);
  const meanwhile = gateway
    .requests(WAIT)
    .filter((request) => request.receivedAt > waitEnds - 19_000 && request.receivedAt < waitEnds - 1_000);
  check(
    "a 20 s wait wakes the goal by itself, once, with no model request meanwhile",
    continuations(gateway, WAIT).length === 2 && meanwhile.length === 0 && /Status: done/.test(status(WAIT)),
    { continuations: continuations(gateway, WAIT).length, meanwhile: meanwhile.length, status: status(WAIT) },
  );
  const wakeLatency = woke ? woke.receivedAt - waitEnds : undefined;

  // A 429 that says when to try again: usage_limited at once, OpenClaw's own retries of the run skipped, and
  // the one continuation runs when the limit lifts.
  await gateway.command(LIMIT, "/goal-lease start ship it --max-turns 4");
  await waitFor(() => /Status: usage_limited/.test(status(LIMIT)), 60_000);
  const limited = status(LIMIT);
  await waitFor(() => /Status: done/.test(status(LIMIT)), 90_000);
  await sleep(2_000);
  check(
    "a 429 OpenClaw ends the run on makes the goal usage_limited at once, with the provider's reset time (20 s)",
    /Status: usage_limited \(retries in (1\d|20)s/.test(limited),
    limited,
  );
  check(
    "the usage-limited goal resumes exactly once when the limit lifts (OpenClaw's own retries skipped)",
    continuations(gateway, LIMIT).length === 2 && /Status: done/.test(status(LIMIT)),
    { continuations: continuations(gateway, LIMIT).length, status: status(LIMIT) },
  );

  // A 429 with no reset time: the back-off's first minute, and a wake from another shell runs it once now.
  await gateway.command(QUOTA, "/goal-lease start ship it --max-turns 4");
  await waitFor(() => /Status: usage_limited/.test(status(QUOTA)), 60_000);
  const backedOff = status(QUOTA);
  const woken = cli(QUOTA, "wake");
  await waitFor(() => /Status: done/.test(status(QUOTA)), 60_000);
  check(
    "a 429 with no reset time: usage_limited, retried after the back-off's first minute; woken from a shell, once",
    /retries in (5\ds|1m 00s)/.test(backedOff) &&
      /runs now/.test(woken) &&
      continuations(gateway, QUOTA).length === 2 &&
      /Status: done/.test(status(QUOTA)),
    { backedOff, woken, continuations: continuations(gateway, QUOTA).length, status: status(QUOTA) },
  );

  // The person writes into the session while a goal run works: OpenClaw stops that run for theirs, and that
  // is the person's pause, never a model error; the pause they type next answers as it.
  await gateway.command(CUT, "/goal-lease start tidy the changelog --max-turns 4");
  await waitFor(() => continuations(gateway, CUT).length === 1, 60_000);
  await sleep(1_000);
  await gateway.chat(CUT, "hold on, one question");
  await waitFor(() => /Status: paused/.test(status(CUT)), 30_000);
  const cut = status(CUT);
  const pauseReply = await gateway.command(CUT, "/goal-lease pause");
  await sleep(3_000);
  check(
    "a message written into a goal run stops it: the person's pause, in the log and the answer (never a model error)",
    /Status: paused \("the person interrupted a goal turn"\)/.test(cut) &&
      /^Goal paused\./.test(pauseReply) &&
      continuations(gateway, CUT).length === 1,
    { cut, pauseReply, continuations: continuations(gateway, CUT).length },
  );
  return `wake latency ${wakeLatency} ms after a 20 s wait's end`;
}
