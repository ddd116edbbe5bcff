// End-to-end: the /goal plugin inside the real OpenClaw gateway, offline, with a scripted model.
// Usage: pnpm test:openclaw (builds first). Prints each check; exits 1 if any fails.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readStoredGoal } from "@goal-lease/goal-plugin";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { packAll } from "../../../../scripts/pack.ts";
import { ensurePackage } from "../../../../test/tool-install.ts";
import { bridgeStorePath } from "../../dist/index.js";
import { edgeChecks, edgeScript } from "./edges.ts";
import { type HistoryMessage, startGateway } from "./gateway.ts";
import { type Script, startMockModel } from "./mock-model.ts";

const FINISH = "agent:main:finish";
const CAP = "agent:main:cap";
const FORGE = "agent:main:forge";
const SLOW = "agent:main:slow";
const PAUSE = "agent:main:pause";
const BYSTANDER = "agent:main:bystander";
const CONTROL = "agent:main:control";
const CHECKED = "agent:main:checked";

const report = (status: string, note: string) => ({ tool: "goal_status", args: { status, note } });
const script: Script = (request, count) => {
  const atEdge = edgeScript(request, count);
  if (atEdge) return atEdge;
  if (request.kind === "tool-result") return { text: "noted" };
  // A goal that always waits: each continuation runs only when it is woken or resumed from elsewhere.
  if (request.kind === "continuation" && request.session === CONTROL) {
    return { tool: "goal_status", args: { status: "waiting", note: "the deploy", wait_seconds: 600 } };
  }
  if (request.kind === "continuation" && request.session === CHECKED)
    return report("done", `published, ${count}`);
  if (request.kind === "continuation") {
    if (request.session !== FINISH) return report("continue", `step ${count}`);
    return count === 1 ? report("continue", "drafted the notes") : report("done", "published the notes");
  }
  // A model trying to steer its report into another session.
  if (request.turnText.includes("FORGE")) {
    return { tool: "goal_status", args: { status: "done", note: "forged", sessionKey: FINISH } };
  }
  return { text: "ok" };
};

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const results: boolean[] = [];
function check(name: string, ok: boolean, detail?: unknown) {
  results.push(ok);
  console.log(
    `${ok ? "PASS" : "FAIL"} ${name}${ok || detail === undefined ? "" : ` (${JSON.stringify(detail)})`}`,
  );
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(condition: () => boolean, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await sleep(200);
  return condition();
}
const textOf = (message: HistoryMessage) =>
  typeof message.content === "string"
    ? message.content
    : message.content.map((part) => part.text ?? "").join("");

/** The goal-lease CLI, as built by `pnpm build`. */
const cliBin = fileURLToPath(new URL("../../../cli/dist/bin.js", import.meta.url));

/** `goal-lease serve` on a store, in a process of its own, and its HTTP API for the CONTROL session's goal. */
async function startServe(storePath: string) {
  const tokenFile = join(mkdtempSync(join(tmpdir(), "goal-lease-serve-")), "token");
  const token = "openclaw-e2e-token-0123456789";
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [cliBin, "serve", "--store", storePath, "--port", "0", "--token-file", tokenFile],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  await waitFor(() => /Open (http:\/\/\S+?)\//.test(output), 30_000);
  const origin = /Open (http:\/\/[^/\s]+)/.exec(output)?.[1] ?? "";
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const session = encodeURIComponent(CONTROL);
  return {
    async post(verb: string) {
      const response = await fetch(`${origin}/api/goals/${session}/${verb}`, {
        method: "POST",
        headers,
        body: "{}",
      });
      return { status: response.status, body: await response.text() };
    },
    async get() {
      const response = await fetch(`${origin}/api/goals`, { headers });
      return { status: response.status, body: await response.text() };
    },
    stop: () => child.kill("SIGINT"),
  };
}

const openclawVersion = "2026.9.6";
// Its install scripts only tidy its own files; the gateway runs without them.
const openclaw = ensurePackage("openclaw", openclawVersion, "openclaw", { scripts: false });
const model = await startMockModel(script, { slowMs: 6_000 });
// Installed as users install it: OpenClaw's installer, the packed tarball, a fresh state directory.
const tarball = packAll().find((path) => path.includes("goal-lease-openclaw-"));
if (!tarball) throw new Error("pnpm pack made no @goal-lease/openclaw tarball");
console.log(`openclaw ${openclawVersion}, plugin ${tarball}`);
// The person's own prices for the gateway's model (OpenClaw names it `mock/mock-1`): $1,000 and $2,000 per
// million input and output tokens, so each of the mock's 100 + 5 token answers costs $0.11.
const prices = join(mkdtempSync(join(tmpdir(), "goal-lease-prices-")), "prices.json");
writeFileSync(
  prices,
  JSON.stringify({ asOf: "2026-12-01", models: { "mock-1": { input: 1_000, output: 2_000 } } }),
);
const gateway = await startGateway({
  openclaw,
  tarball,
  modelPort: model.port,
  env: { GOAL_LEASE_PRICES: prices },
});
console.log(`gateway ready after ${elapsed()} (state ${gateway.stateDir})`);
const { call } = gateway.rpc;

const chat = async (sessionKey: string, message: string, wait = true) => {
  const idempotencyKey = `e2e-${Math.random().toString(36).slice(2)}`;
  const { runId } = await call<{ runId: string }>("chat.send", { sessionKey, message, idempotencyKey });
  const done = call("agent.wait", { runId, timeoutMs: 60_000 });
  if (wait) await done;
  return done;
};
const lastReply = async (sessionKey: string) => {
  const { messages } = await call<{ messages: HistoryMessage[] }>("chat.history", { sessionKey });
  return textOf(
    messages.filter((message) => message.role === "assistant").at(-1) ?? { role: "", content: "" },
  );
};
const command = async (sessionKey: string, text: string) => {
  await chat(sessionKey, text);
  return lastReply(sessionKey);
};
const count = (session: string, kind?: string) =>
  model.of(session).filter((request) => kind === undefined || request.kind === kind).length;

try {
  check(
    "openclaw plugins install <tarball> puts the plugin in the state directory, with no checkout on its side",
    /Installed plugin: goal-lease/.test(gateway.installed) &&
      existsSync(join(gateway.stateDir, "extensions/goal-lease/dist/extension.js")),
    gateway.installed.slice(-400),
  );
  await chat(BYSTANDER, "hello");
  check("a plain message in another session is one model request", count(BYSTANDER) === 1, count(BYSTANDER));

  // 1. start -> the model reports continue -> exactly one follow-up turn -> done.
  const startReply = await command(FINISH, "/goal-lease start write the release notes --max-turns 3");
  check(
    "/goal-lease start answers without a model call",
    /^Goal started/.test(startReply) && count(FINISH) === 0,
    startReply,
  );
  await waitFor(() => count(FINISH, "continuation") === 2 && count(FINISH, "tool-result") === 2);
  await sleep(4_000);
  const [first] = model.of(FINISH);
  check(
    "the woken turn gets the lease message, the goal line and the goal_status tool",
    !!first &&
      first.turnText.includes("Goal continuation 1 of 3") &&
      first.turnText.includes('Objective: "write the release notes"') &&
      first.system.includes("Active goal (untrusted user text)") &&
      first.tools.includes("goal_status"),
    first && { turn: first.turnText.slice(0, 300), tools: first.tools.length },
  );
  check(
    "goal_status continue -> exactly one follow-up turn in the same session, then done",
    count(FINISH, "continuation") === 2 && count(FINISH) === 4,
    model.of(FINISH).map((request) => request.kind),
  );
  const finishStatus = await command(FINISH, "/goal-lease status");
  check(
    "/goal-lease status shows the goal done after 2 continuations",
    /Status: done/.test(finishStatus) && finishStatus.includes("2/3"),
    finishStatus,
  );

  // 1b. The person's check decides the model's done, and the person is told once the goal stops.
  const work = mkdtempSync(join(tmpdir(), "goal-lease-openclaw-check-"));
  const flaky = join(work, "flaky.cjs");
  writeFileSync(
    flaky,
    `const fs = require("fs"); const f = process.argv[2]; const n = (fs.existsSync(f) ? Number(fs.readFileSync(f, "utf8")) : 0) + 1;
     fs.writeFileSync(f, String(n)); if (n < 2) { console.log("1 test failed"); process.exit(1); }`,
  );
  const told: { delivery: unknown; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      told.push({ delivery: request.headers["x-goal-lease-delivery"], body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/goal-stopped`;
  const checkCommand = `node ${JSON.stringify(flaky)} ${JSON.stringify(join(work, "count"))}`;
  const checkReply = await command(
    CHECKED,
    `/goal-lease start publish the notes --max-turns 4 --check ${JSON.stringify(checkCommand)} --notify ${hook}`,
  );
  check("/goal-lease start takes --check and --notify", /^Goal started/.test(checkReply), checkReply);
  await waitFor(() => told.length > 0);
  const checkedStatus = await command(CHECKED, "/goal-lease status");
  check(
    "a check that fails once sends the model round once more, then passes: done after 2 continuations",
    /Status: done/.test(checkedStatus) &&
      /Check: .*\(2 runs, 1 failed; last passed/.test(checkedStatus) &&
      count(CHECKED, "continuation") === 2,
    checkedStatus,
  );
  check(
    "the continuation after the failed check tells the model what the check printed",
    model
      .of(CHECKED)
      .some((request) => request.kind === "continuation" && request.turnText.includes("1 test failed")),
  );
  await sleep(1_000);
  const stopped = told[0] && (JSON.parse(told[0].body) as { status?: string; session?: string });
  check(
    "the person is told once, with the stop and a delivery id",
    told.length === 1 &&
      stopped?.status === "done" &&
      stopped.session === CHECKED &&
      typeof told[0]?.delivery === "string",
    told.map((entry) => entry.body.slice(0, 200)),
  );
  receiver.close();

  // 2. A model that always continues stops at the cap.
  await command(CAP, "/goal-lease start keep polishing forever --max-turns 2");
  await waitFor(() => count(CAP, "continuation") === 2 && count(CAP, "tool-result") === 2);
  await sleep(5_000);
  check(
    "a model that always continues stops at the cap (2 turns)",
    count(CAP, "continuation") === 2,
    count(CAP, "continuation"),
  );
  const capStatus = await command(CAP, "/goal-lease status");
  check(
    "the capped goal is stopped, not active",
    !/Status: active/.test(capStatus) && capStatus.includes("2/2"),
    capStatus,
  );

  // 3. A goal_status call whose arguments name another session is rejected.
  await chat(FORGE, "FORGE a report for someone else");
  const forged = model.of(FORGE).find((request) => request.kind === "tool-result");
  check(
    "goal_status with a sessionKey argument is rejected as an error result",
    // OpenClaw checks the arguments against the tool's JSON Schema first; the plugin's strict schema is the backstop.
    /sessionKey/.test(forged?.toolResult ?? "") &&
      /additional properties|Unrecognized key/.test(forged?.toolResult ?? ""),
    forged?.toolResult,
  );
  check(
    "the forged report did not touch the other session's goal",
    /Status: done/.test(await command(FINISH, "/goal-lease status")),
  );

  // 4. User wins: a pause after the wake was queued skips that turn before any model call.
  const slow = chat(SLOW, "SLOW task", false);
  await waitFor(() => count(SLOW) === 1, 30_000);
  await command(PAUSE, "/goal-lease start tidy the docs");
  const pauseReply = await command(PAUSE, "/goal-lease pause");
  await slow;
  // OpenClaw defers a wake past five heartbeat runs a minute, so the skipped run may come late.
  const skipped = () =>
    readFileSync(join(gateway.stateDir, "openclaw.log"), "utf8").includes(`skipped a woken run in ${PAUSE}`);
  check("its woken run was skipped at admission", await waitFor(skipped));
  check("a continuation woken before /goal-lease pause never reaches the model", count(PAUSE) === 0, {
    pauseReply,
    requests: model.of(PAUSE).map((request) => request.kind),
  });

  // 5. Control from anywhere: the CLI's verbs and the dashboard's HTTP API, from other processes, change the
  // goal running in the gateway (its store is the gateway's; the change travels as data through it).
  const storePath = bridgeStorePath(gateway.stateDir);
  const cliIn = (sessionKey: string, ...args: string[]) =>
    execFileSync(process.execPath, [cliBin, ...args, "--session", sessionKey, "--store", storePath], {
      encoding: "utf8",
    }).trim();
  const cli = (...args: string[]) => cliIn(CONTROL, ...args);
  const continuations = () => count(CONTROL, "continuation");
  const waiting = async () => (await command(CONTROL, "/goal-lease status")).includes("Status: waiting");
  await command(CONTROL, "/goal-lease start watch the deploy --max-turns 8");
  await waitFor(() => continuations() === 1 && count(CONTROL, "tool-result") === 1);
  check("a goal in the gateway waits (goal_status waiting)", await waiting());
  const woken = cli("wake");
  check(
    "goal-lease wake --session from another shell: the continuation runs now in the gateway, once",
    /runs now/.test(woken) && (await waitFor(() => continuations() === 2)),
    { woken, continuations: continuations() },
  );
  await waitFor(() => count(CONTROL, "tool-result") === 2);
  const paused = cli("pause", "--note", "from the shell");
  await sleep(3_000);
  check(
    "goal-lease pause --session: paused, with no turn after it",
    /Goal paused/.test(paused) && continuations() === 2 && /Status: paused/.test(cli("status")),
    { paused, continuations: continuations() },
  );
  const api = await startServe(storePath);
  try {
    const resumed = await api.post("resume");
    check(
      "the dashboard's HTTP API resumes it: one continuation runs in the gateway",
      resumed.status === 200 && (await waitFor(() => continuations() === 3)),
      { resumed, continuations: continuations() },
    );
    await waitFor(() => count(CONTROL, "tool-result") === 3);
    const apiWoken = await api.post("wake");
    check(
      "the HTTP API wakes its wait: one more continuation runs",
      apiWoken.status === 200 && (await waitFor(() => continuations() === 4)),
      { apiWoken, continuations: continuations() },
    );
    await waitFor(() => count(CONTROL, "tool-result") === 4);
    const listed = await api.get();
    check(
      "the HTTP API lists the gateway's goal with its status",
      listed.status === 200 && listed.body.includes(CONTROL) && listed.body.includes("waiting"),
      listed.body.slice(0, 300),
    );
  } finally {
    api.stop();
  }
  const finished = cli("done", "--note", "deployed");
  await sleep(3_000);
  check(
    "goal-lease done --session: done, and no turn after it",
    /Goal marked done/.test(finished) && continuations() === 4 && /Status: done/.test(cli("status")),
    { finished, continuations: continuations() },
  );

  // 6. Waits that wake by themselves, usage limits, and the person's own message during a goal run.
  const edgeFigures = await edgeChecks({
    command,
    chat,
    requests: (sessionKey) => model.of(sessionKey),
    cli: cliIn,
    check,
    waitFor,
  });
  console.log(`  figures: ${edgeFigures}`);

  // 7. The bystander session saw nothing of all this.
  const bystanderStatus = await command(BYSTANDER, "/goal-lease status");
  check(
    "the second session is untouched: one request, no goal",
    count(BYSTANDER) === 1 && /^No goal/.test(bystanderStatus),
    bystanderStatus,
  );
} finally {
  await gateway.stop();
  await model.close();
}

// The durable record, read back from the plugin's store file after the gateway stopped.
const store = SqliteStore.open(bridgeStorePath(gateway.stateDir));
try {
  const finish = await readStoredGoal(store, FINISH);
  check(
    "stored: done, 2 continuations, usage from OpenClaw counted and priced at its model ($0.11 a request)",
    finish?.status === "done" &&
      finish.continuations === 2 &&
      finish.tokensUsed === 4 * 105 &&
      Math.abs((finish.costUsd ?? 0) - 4 * 0.11) < 1e-9 &&
      !finish.unpricedTurns,
    finish && {
      status: finish.status,
      continuations: finish.continuations,
      tokensUsed: finish.tokensUsed,
      costUsd: finish.costUsd,
      unpriced: finish.unpricedTurns,
    },
  );
  const cap = await readStoredGoal(store, CAP);
  check(
    "stored: the capped goal stopped at 2",
    cap?.continuations === 2 && cap.status !== "active",
    cap?.status,
  );
  const paused = await readStoredGoal(store, PAUSE);
  check(
    "stored: the paused goal ran no continuation",
    paused?.status === "paused" && paused.continuations === 0,
    paused?.status,
  );
  check(
    "stored: no goal in the forging or bystander sessions",
    !(await readStoredGoal(store, FORGE)) && !(await readStoredGoal(store, BYSTANDER)),
  );
  check("stored: no lease left started", (await store.listStartedLeases()).length === 0);
} finally {
  await store.close();
}

const failed = results.filter((ok) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed, ${elapsed()}`);
process.exitCode = failed ? 1 : 0;
