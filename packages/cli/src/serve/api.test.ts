import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost, type Host } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildPage } from "../../../../scripts/build-page.ts";
import { sessionWebhookSecret } from "./secrets.js";
import { type RunningServer, startServer } from "./server.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-serve-api-"));
const path = join(directory, "state.db");
const session = "ci/build-1";
const encoded = encodeURIComponent(session);
const token = "test-token-0123456789abcdef";
const webhookSecret = "webhook-secret-0123456789";
const owner = { id: "owner", isOwner: true };

// The goal's process: a host on its own store handle, as another process would have.
const hostStore = SqliteStore.open(path);
const model = new ScriptedModel([
  { toolCalls: [{ name: "goal_status", input: { status: "waiting", wait_seconds: 3_600, note: "CI" } }] },
  { toolCalls: [{ name: "goal_status", input: { status: "done", note: "CI passed" } }] },
]);
let host: Host;
// The server's own handle on the same file (in one process the two share a connection); the goal's process
// hears the control requests only through the store's inbox.
const serverStore = SqliteStore.open(path);
let server: RunningServer;

beforeAll(async () => {
  const page = join(directory, "page");
  await buildPage(page);
  host = await createHost({ model, store: hostStore, plugins: [createGoalPlugin()], inboxPollMs: 20 });
  await host.openSession({ sessionKey: session });
  await host.send({ sessionKey: session, text: "/goal start ship the release", sender: owner });
  await vi.waitFor(async () => expect((await readStoredGoal(hostStore, session))?.status).toBe("waiting"), {
    timeout: 30_000,
  });
  server = await startServer({
    store: serverStore,
    token,
    webhookSecret,
    host: "127.0.0.1",
    port: 0,
    pageDirectory: page,
    pollMs: 50,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await host?.close();
  await hostStore.close();
  await serverStore.close();
  rmSync(directory, { recursive: true, force: true });
});

const auth = { Authorization: `Bearer ${token}` };
const json = { ...auth, "Content-Type": "application/json" };
const call = (route: string, init: RequestInit = {}) => fetch(`${server.origin}${route}`, init);

/** The stored goal's version and the commands posted to its process: what a refused request must not change. */
async function footprint() {
  const state = await hostStore.readState("goal", session, "goal");
  return { version: state?.version, pending: await hostStore.listPendingCommands() };
}

/** A refusal: the status, and one line of JSON that says what to do. */
async function expectRefused(response: Response, status: number, pattern: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: string };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toMatch(pattern);
  expect(body.error).not.toContain("\n");
}

describe("goal-lease serve: the JSON API", () => {
  it("lists every goal and shows one with its event log and its own webhook secret", async () => {
    const list = (await (await call("/api/goals", { headers: auth })).json()) as {
      goals: { session: string; status: string; wakeAt: number | null; maxTurns: number }[];
    };
    expect(list.goals).toHaveLength(1);
    expect(list.goals[0]).toMatchObject({ session, status: "waiting", maxTurns: 10 });
    expect(list.goals[0]?.wakeAt).toBeGreaterThan(Date.now());

    const response = await call(`/api/goals/${encoded}`, { headers: auth });
    expect(response.headers.get("cache-control")).toBe("no-store");
    const detail = (await response.json()) as {
      goal: { objective: string };
      events: { type: string }[];
      webhook: { path: string; secret: string };
    };
    expect(detail.goal.objective).toBe("ship the release");
    expect(detail.events.map((event) => event.type)).toContain("created");
    expect(detail.webhook).toEqual({
      path: `/hooks/wake/${encoded}`,
      secret: sessionWebhookSecret(webhookSecret, session),
    });
  });

  it("refuses a request without the token, with a wrong one, or from another site, and changes nothing", async () => {
    const before = await footprint();
    const pause = (headers: Record<string, string>) =>
      call(`/api/goals/${encoded}/pause`, { method: "POST", headers, body: "{}" });
    await expectRefused(await pause({ "Content-Type": "application/json" }), 401, /^No token/);
    await expectRefused(await pause({ ...json, Authorization: "Bearer wrong-token" }), 401, /^Wrong token/);
    await expectRefused(await pause({ ...json, Authorization: `Basic ${token}` }), 401, /^No token/);
    await expectRefused(
      await pause({ ...json, Origin: "http://evil.test" }),
      403,
      /^Origin "http:\/\/evil\.test" refused/,
    );
    await expectRefused(await pause({ ...json, Origin: "null" }), 403, /refused/);
    await expectRefused(
      await pause({ ...json, "Sec-Fetch-Site": "cross-site" }),
      403,
      /^Cross-site request refused/,
    );
    // The URL token is for the read-only event stream alone.
    await expectRefused(await call(`/api/goals?token=${token}`), 401, /^No token/);
    await expectRefused(
      await call(`/api/goals/${encoded}/pause?token=${token}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      }),
      401,
      /^No token/,
    );
    await expectRefused(
      await call("/api/goals", { headers: { Authorization: "Bearer wrong" } }),
      401,
      /^Wrong token/,
    );
    expect(await footprint()).toEqual(before);
    expect((await readStoredGoal(hostStore, session))?.status).toBe("waiting");
  });

  it("answers bad input to every endpoint with one line of JSON, and changes nothing", async () => {
    const before = await footprint();
    const post = (route: string, body: string, headers: Record<string, string> = json) =>
      call(route, { method: "POST", headers, body });
    const pause = `/api/goals/${encoded}/pause`;
    await expectRefused(await post("/api/goals/nobody/pause", "{}"), 404, /^No goal in session "nobody"/);
    await expectRefused(
      await call("/api/goals/nobody", { headers: auth }),
      404,
      /^No goal in session "nobody"/,
    );
    await expectRefused(
      await call("/api/goals/bad%20key", { headers: auth }),
      400,
      /^Invalid session key "bad key"/,
    );
    await expectRefused(await post("/api/goals/bad%22key/pause", "{}"), 400, /^Invalid session key/);
    await expectRefused(
      await post(`/api/goals/${encoded}/explode`, "{}"),
      404,
      /^Unknown action "explode": use pause/,
    );
    await expectRefused(
      await post(pause, JSON.stringify({ note: "x".repeat(20_000) })),
      413,
      /^The body is over 16384 bytes/,
    );
    await expectRefused(
      await post(pause, "{}", { ...auth, "Content-Type": "text/plain" }),
      415,
      /^Send the body as JSON/,
    );
    await expectRefused(await post(pause, "{}", auth), 415, /^Send the body as JSON/);
    await expectRefused(await post(pause, "{not json"), 400, /^The body is not valid JSON/);
    await expectRefused(await post(pause, "[]"), 400, /^Invalid body/);
    await expectRefused(
      await post(pause, JSON.stringify({ note: 42 })),
      400,
      /^Invalid field "note": .*expected string/,
    );
    await expectRefused(
      await post(pause, JSON.stringify({ note: "x".repeat(501) })),
      400,
      /^Invalid field "note"/,
    );
    await expectRefused(
      await post(pause, JSON.stringify({ reason: "x" })),
      400,
      /^Invalid body: Unrecognized key/,
    );
    const resume = `/api/goals/${encoded}/resume`;
    await expectRefused(
      await post(resume, JSON.stringify({ maxTurns: "5" })),
      400,
      /^Invalid field "maxTurns"/,
    );
    await expectRefused(
      await post(resume, JSON.stringify({ maxTurns: 0 })),
      400,
      /^Invalid field "maxTurns"/,
    );
    await expectRefused(
      await post(resume, JSON.stringify({ time: "later" })),
      400,
      /^Invalid field "time": expected a duration/,
    );
    await expectRefused(
      await post(`/api/goals/${encoded}/edit`, JSON.stringify({ objective: "" })),
      400,
      /^Invalid field "objective"/,
    );
    await expectRefused(
      await post(`/api/goals/${encoded}/clear`, JSON.stringify({ note: "x" })),
      400,
      /^Invalid body: Unrecognized key/,
    );
    await expectRefused(
      await call(`/api/goals/${encoded}/pause`, { headers: auth }),
      405,
      /^GET is not served on .*: use POST\.$/,
    );
    await expectRefused(
      await post("/hooks/wake/nobody", "{}", { "Content-Type": "application/json" }),
      401,
      /X-Goal-Lease-Secret/,
    );
    const hook = {
      "Content-Type": "application/json",
      "X-Goal-Lease-Secret": sessionWebhookSecret(webhookSecret, session),
    };
    await expectRefused(
      await post(`/hooks/wake/${encoded}`, JSON.stringify({ note: 7 }), hook),
      400,
      /^Invalid field "note"/,
    );
    await expectRefused(
      await post(`/hooks/wake/${encoded}`, "x".repeat(20_000), hook),
      413,
      /^The body is over/,
    );
    await expectRefused(
      await post(`/hooks/wake/${encoded}`, "{}", { ...hook, "Content-Type": "text/plain" }),
      415,
      /^Send no body, or JSON/,
    );
    await expectRefused(
      await post("/hooks/wake/nobody", "{}", { ...hook, "X-Goal-Lease-Secret": webhookSecret }),
      404,
      /^No goal in session "nobody"/,
    );
    expect(await footprint()).toEqual(before);
  });

  it("streams a snapshot of the goals, then each change, to a client holding the token in its URL", async () => {
    const response = await call(`/api/events?token=${token}`);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) throw new Error(`stream ended before ${pattern}`);
        text += chunk.value;
      }
    };
    await until(/event: snapshot\ndata: \[.*"session":"ci\/build-1".*\]\n\n/);
    const edited = await call(`/api/goals/${encoded}/edit`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ objective: "ship the release and tag it" }),
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toEqual({
      status: "answered",
      reply: expect.stringMatching(/^Objective updated: "ship the release and tag it"/),
      applied: true,
    });
    await until(/event: goal\ndata: \{[^\n]*"objective":"ship the release and tag it"/);
    await reader?.cancel();
    expect((await readStoredGoal(hostStore, session))?.status).toBe("waiting");
  });

  it("bounds the event streams open at once, and says so in one line", async () => {
    const small = await startServer({
      store: serverStore,
      token,
      host: "127.0.0.1",
      port: 0,
      pageDirectory: join(directory, "page"),
      maxStreams: 1,
    });
    try {
      const open = await fetch(`${small.origin}/api/events`, { headers: auth });
      expect(open.status).toBe(200);
      await expectRefused(
        await fetch(`${small.origin}/api/events`, { headers: auth }),
        503,
        /^Too many dashboards open \(1\)/,
      );
      await open.body?.cancel();
      // Its slot is free again once the first stream is gone.
      await expect
        .poll(
          async () => {
            const again = await fetch(`${small.origin}/api/events`, { headers: auth });
            await again.body?.cancel();
            return again.status;
          },
          { timeout: 30_000 },
        )
        .toBe(200);
    } finally {
      await small.close();
    }
  });

  it("wakes a waiting goal from a webhook: a wrong secret is refused, three wakes make one turn", async () => {
    const wake = (secret: string) =>
      call(`/hooks/wake/${encoded}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Goal-Lease-Secret": secret },
        body: JSON.stringify({ note: "CI is green" }),
      });
    const before = await footprint();
    await expectRefused(await wake("not-the-secret"), 401, /^Wrong or missing X-Goal-Lease-Secret/);
    await expectRefused(
      await wake(sessionWebhookSecret(webhookSecret, "another/session")),
      401,
      /^Wrong or missing/,
    );
    expect(await footprint()).toEqual(before);

    const secret = sessionWebhookSecret(webhookSecret, session);
    const responses = await Promise.all([wake(secret), wake(secret), wake(secret)]);
    const replies: string[] = [];
    for (const response of responses) {
      expect(response.status).toBe(202);
      const body = (await response.json()) as { status: string; reply: string };
      expect(body.status).toBe("answered");
      replies.push(body.reply);
    }
    // Every wake is answered; the first one ends the wait, and the others find it ended or already woken.
    expect(replies).toContain("Goal woken: its next continuation runs now.");
    for (const reply of replies) expect(reply).toMatch(/^(Goal woken|The goal is (waiting|active|done))/);
    await expect
      .poll(async () => (await readStoredGoal(hostStore, session))?.status, { timeout: 30_000 })
      .toBe("done");
    // The wait's one continuation, and no other model call: the scripted model fails on a third.
    expect(model.requests).toHaveLength(2);
    expect((await readStoredGoal(hostStore, session))?.continuations).toBe(2);
  });
});
