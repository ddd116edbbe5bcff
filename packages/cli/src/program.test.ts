import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHost } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { createDemoModel } from "./demo-model.js";
import { exitCodes } from "./exit-codes.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-cli-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let storeCount = 0;
const freshStore = () => join(directory, `state-${++storeCount}.db`);

/**
 * Runs `work` on a fake clock (timers and Date) that moves 10 ms a turn of the real event loop: the model
 * SDK's waits (its request timeout, its back-off between tries, a Retry-After) and the goal's pass in a
 * fraction of their real time, while sockets and the store work in real time. Steps this small keep each
 * timer in its order against the I/O it races: a refused connection, an aborted request or the local
 * endpoint's answer is heard within a few turns, long before the timer it races.
 */
async function onFastTimers<T>(work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    let settled = false;
    const running = work().finally(() => {
      settled = true;
    });
    running.catch(() => undefined);
    while (!settled) await vi.advanceTimersByTimeAsync(10);
    return await running;
  } finally {
    vi.useRealTimers();
  }
}

describe("goal-lease run", () => {
  it("runs a goal on the demo model to done and exits 0", async () => {
    const test = createTestIo();
    const store = freshStore();
    const code = await runCli(test.io, ["run", "tidy the docs", "--store", store, "--session", "s1"]);
    expect(code).toBe(exitCodes.done);
    const out = test.stdout();
    expect(out).toContain("model demo (scripted, no AI)");
    expect(out).toContain('Goal started: "tidy the docs"');
    for (const turn of [1, 2, 3, 4, 5]) expect(out).toContain(`↻ continuation ${turn}/10`);
    expect(out).toContain("↻ continuation 2/10\n  Finished the first part.\n");
    expect(out).toContain("note: All parts are done.");
    expect(out).toMatch(/■ goal done: All parts are done\.\n$/);
    expect(test.stderr()).toBe("");
  });

  it("refuses, in one line, a session another live process serves, and leaves that session's goal alone", async () => {
    const store = freshStore();
    const other = SqliteStore.open(store);
    const elsewhere = await createHost({ model: createDemoModel({ delayMs: 0 }), store: other });
    await elsewhere.openSession({ sessionKey: "busy" });
    try {
      const test = createTestIo();
      const code = await runCli(test.io, ["run", "tidy the docs", "--store", store, "--session", "busy"]);
      expect(code).toBe(exitCodes.error);
      expect(test.stderr()).toMatch(
        /^error: Session "busy" is in use by another goal-lease process \(.+\); use that one, or if it has exited, try again in \d+ s\.\n$/,
      );
      const beside = createTestIo();
      expect(await runCli(beside.io, ["run", "tidy the docs", "--store", store, "--session", "free"])).toBe(
        exitCodes.done,
      );
      expect(await other.listStartedLeases()).toEqual([]);
    } finally {
      await elsewhere.close();
      await other.close();
    }
  });

  it("takes the objective as one argument, as written: --words in it are not flags", async () => {
    const store = freshStore();
    const test = createTestIo();
    const objective = "document --max-turns 3 for users, then fix the --foo flag";
    const code = await runCli(test.io, [
      "run",
      objective,
      "--max-turns",
      "1",
      "--store",
      store,
      "--session",
      "s",
    ]);
    expect(code).toBe(exitCodes.limitReached);
    expect(test.stdout()).toContain(`> /goal start --max-turns 1 -- ${objective}`);
    expect(test.stdout()).toContain(`Goal started: "${objective}". Limits: 1 continuation,`);
    const reader = SqliteStore.open(store);
    expect((await reader.readState("goal", "s", "goal"))?.value).toMatchObject({
      objective,
      limits: { maxTurns: 1 },
    });
    await reader.close();
  });

  it("refuses an empty or an over-long objective in one line, before it makes a session", async () => {
    const store = freshStore();
    const empty = createTestIo();
    expect(await runCli(empty.io, ["run", "", "--store", store])).toBe(exitCodes.error);
    expect(empty.stderr()).toBe(
      'error: the objective is empty; say what the goal should achieve, e.g. goal-lease run "fix the failing tests"\n',
    );
    const long = createTestIo();
    expect(await runCli(long.io, ["run", "x".repeat(100_000), "--store", store])).toBe(exitCodes.error);
    expect(long.stderr()).toBe("error: the objective has 100,000 characters; the limit is 4,000\n");
    expect(long.stdout()).toBe("");
    const reader = SqliteStore.open(store);
    expect(await reader.listSessions()).toEqual([]);
    await reader.close();
  });

  it("shows control characters in an objective escaped, never raw", async () => {
    const test = createTestIo();
    await runCli(test.io, [
      "run",
      "tidy \u001b[31mred\u0007 docs",
      "--max-turns",
      "1",
      "--store",
      freshStore(),
    ]);
    expect(test.stdout()).toContain("> /goal start --max-turns 1 -- tidy \\u001b[31mred\\u0007 docs");
    expect(test.stdout()).not.toContain("\u001b[31m");
  });

  it("exits 3 when the continuation cap stops the goal", async () => {
    const test = createTestIo();
    const code = await runCli(test.io, ["run", "tidy the docs", "--max-turns", "2", "--store", freshStore()]);
    expect(code).toBe(exitCodes.limitReached);
    expect(test.stdout()).toMatch(/■ goal turn_limited: 2 of 2 continuations used/);
  });

  it("exits 3 when the token budget stops the goal", async () => {
    const test = createTestIo();
    const code = await runCli(test.io, ["run", "tidy the docs", "--budget", "300", "--store", freshStore()]);
    expect(code).toBe(exitCodes.limitReached);
    expect(test.stdout()).toContain("■ goal budget_limited");
  });

  it("stops at --budget-usd, at or under it, on a model priced by --prices, showing dollars beside tokens", async () => {
    const prices = join(directory, "prices.json");
    // The demo model at $10 a million tokens either way: each of its turns is about a tenth of a cent.
    writeFileSync(
      prices,
      JSON.stringify({ asOf: "2030-01-01", models: { "demo (scripted, no AI)": { input: 10, output: 10 } } }),
    );
    const test = createTestIo();
    const store = freshStore();
    const args = ["run", "tidy the docs", "--budget-usd", "0.004", "--prices", prices, "--store", store];
    const code = await runCli(test.io, [...args, "--session", "usd"]);
    expect(code).toBe(exitCodes.limitReached);
    const out = test.stdout();
    expect(out).toMatch(/tokens · \$0\.\d+\/\$0\.004 · 1\/10 continuations/);
    expect(out).toMatch(/■ goal budget_limited: \$0\.\d+ of \$0\.004 spent/);
    const status = createTestIo();
    await runCli(status.io, ["status", "--store", store, "--session", "usd"]);
    const spent = /Cost\s+\[#+-*\] \$(0\.\d+)\/\$0\.004/.exec(status.stdout());
    expect(Number(spent?.[1])).toBeGreaterThan(0);
    expect(Number(spent?.[1])).toBeLessThanOrEqual(0.004);
  });

  it("refuses a price file it cannot use, in one line that names it", async () => {
    const prices = join(directory, "bad-prices.json");
    writeFileSync(prices, '{"asOf": "2030-01-01", "models": {"m": {"input": -1, "output": 1}}}');
    const test = createTestIo();
    const code = await runCli(test.io, ["run", "x", "--prices", prices, "--store", freshStore()]);
    expect(code).toBe(exitCodes.error);
    expect(test.stderr()).toMatch(
      /^error: The prices in .*bad-prices\.json cannot be used: models\.m\.input:/,
    );
    expect(test.stderr().trim().split("\n")).toHaveLength(1);
  });

  it("prints one JSON event per line with --json", async () => {
    const test = createTestIo();
    const code = await runCli(test.io, [
      "run",
      "tidy the docs",
      "--json",
      "--max-turns",
      "2",
      "--store",
      freshStore(),
    ]);
    expect(code).toBe(exitCodes.limitReached);
    const events = test
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; code?: number });
    expect(events[0]).toMatchObject({ type: "goal-started" });
    expect(events.filter((event) => event.type === "continuation-start")).toHaveLength(2);
    expect(events.at(-2)).toMatchObject({ type: "goal-stopped" });
    expect(events.at(-1)).toEqual({ type: "exit", code: 3 });
  });

  it.each([
    [["run", "x", "--max-turns", "0"], /--max-turns needs a whole number from 1 to 1,000, not "0"/],
    [["run", "x", "--budget", "lots"], /--budget needs a whole number/],
    [["run", "x", "--time", "5 minutes"], /--time needs a duration like 30m, 2h or 1h30m/],
    [["run", "x", "--model", "gpt4"], /error: Unknown model "gpt4"; use demo, openai:<model>/],
    [["stauts"], /unknown command 'stauts'\n\(Did you mean status\?\)/],
    [["run", "x", "--max-turn", "3"], /unknown option '--max-turn'\n\(Did you mean --max-turns\?\)/],
    [["run"], /missing required argument 'objective'/],
  ])("rejects %j with a clear error and exit code 1", async (args, message) => {
    const test = createTestIo();
    const code = await runCli(
      test.io,
      [...args, "--store", freshStore()].slice(0, args[0] === "stauts" ? 1 : undefined),
    );
    expect(code).toBe(exitCodes.error);
    expect(test.stderr()).toMatch(message);
  });
});

describe("goal-lease chat with piped input", () => {
  it("ends a goal's line with its reason, and says where the goal stands when the session is reopened", async () => {
    const store = freshStore();
    const first = createTestIo();
    first.stdin.end("/goal start tidy the docs --max-turns 1\n");
    expect(await runCli(first.io, ["chat", "--session", "c", "--store", store])).toBe(0);
    expect(first.stdout()).toContain("■ goal turn_limited: 1 of 1 continuation used");

    const again = createTestIo();
    again.stdin.end();
    expect(await runCli(again.io, ["chat", "--session", "c", "--store", store])).toBe(0);
    expect(again.stdout()).toContain(
      'Goal turn_limited: 1 of 1 continuation used ("tidy the docs"); /goal resume continues it.',
    );
  });
});

describe("goal-lease chat --plugin", () => {
  it("loads a plugin module beside /goal, and refuses in one line a module that exports none", async () => {
    const folder = mkdtempSync(join(directory, "plugin-"));
    const module = join(folder, "echo-twice.mjs");
    writeFileSync(
      module,
      `export default { id: "echo-twice", register(api) { api.registerCommand({ name: "twice", description: "Say it twice", execute: (args) => args + " " + args }); } };\n`,
    );
    const chat = createTestIo();
    chat.stdin.end("/twice hello\n");
    expect(
      await runCli(chat.io, ["chat", "--plugin", module, "--session", "p", "--store", freshStore()]),
    ).toBe(0);
    expect(chat.stdout()).toContain("hello hello");

    const empty = join(folder, "empty.mjs");
    writeFileSync(empty, "export const nothing = 1;\n");
    const refused = createTestIo();
    refused.stdin.end();
    expect(await runCli(refused.io, ["chat", "--plugin", empty, "--store", freshStore()])).toBe(
      exitCodes.error,
    );
    expect(refused.stderr()).toBe(
      `error: --plugin ${empty}: exports no goal-lease plugin; export one made with definePlugin({ id, register }) as the default export.\n`,
    );
  });
});

describe("reading the store", () => {
  it("shows status, events and sessions of what run did", async () => {
    const store = freshStore();
    await runCli(createTestIo().io, [
      "run",
      "tidy the docs",
      "--max-turns",
      "2",
      "--store",
      store,
      "--session",
      "docs",
    ]);

    const status = createTestIo();
    expect(await runCli(status.io, ["status", "--store", store])).toBe(0);
    expect(status.stdout()).toMatch(
      /^SESSION\s+STATUS\s+TURNS\s+SPENT\s+OBJECTIVE\ndocs\s+turn_limited\s+2\/2\s+unknown\s+"tidy the docs"\n$/,
    );

    const full = createTestIo();
    await runCli(full.io, ["status", "--session", "docs", "--store", store]);
    expect(full.stdout()).toContain("Continuations [##########] 2/2");

    const events = createTestIo();
    await runCli(events.io, ["events", "-n", "3", "--store", store]);
    expect(events.stdout()).toMatch(/^session docs\nLast 3 of \d+ events for "tidy the docs":\n/);
    expect(events.stdout()).toContain("gate turn_cap: 2 of 2 continuations used");

    const sessions = createTestIo();
    await runCli(sessions.io, ["sessions", "--store", store]);
    expect(sessions.stdout()).toMatch(
      /^SESSION\s+CREATED \(UTC\)\s+STATE\s+AGENT\s+GOAL\ndocs\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+open\s+main\s+turn_limited\n$/,
    );

    for (const command of ["status", "events"]) {
      const unknown = createTestIo();
      expect(await runCli(unknown.io, [command, "--session", "nope", "--store", store])).toBe(
        exitCodes.error,
      );
      expect(unknown.stderr()).toBe(
        'error: No goal in session "nope"; goal-lease sessions lists the sessions.\n',
      );
      expect(unknown.stdout()).toBe("");
    }
  });

  it("says how to start when the store is empty, and names a store that does not exist", async () => {
    const missing = freshStore();
    const absent = createTestIo();
    expect(await runCli(absent.io, ["status", "--store", missing])).toBe(exitCodes.error);
    expect(absent.stderr()).toBe(
      `error: No store at ${missing}; run goal-lease run or chat first, or pass --store PATH.\n`,
    );
    const store = freshStore();
    await SqliteStore.open(store).close();
    const status = createTestIo();
    await runCli(status.io, ["status", "--store", store]);
    expect(status.stdout()).toBe('No goals yet. Start one with: goal-lease run "<objective>"\n');
    const events = createTestIo();
    await runCli(events.io, ["events", "-n", "99", "--store", store]);
    expect(events.stderr()).toMatch(/-n needs a whole number from 1 to 50/);
  });

  it("names the file when the store cannot be read", async () => {
    const test = createTestIo();
    const code = await runCli(test.io, ["status", "--store", directory]);
    expect(code).toBe(exitCodes.error);
    expect(test.stderr()).toMatch(new RegExp(`^error: ${directory}.*\\n$`));
  });
});

describe("goal-lease demo", () => {
  it("shows a start, continuations, the cap gate and the event log", async () => {
    const test = createTestIo();
    expect(await runCli(test.io, ["demo", "--delay", "0"])).toBe(0);
    const out = test.stdout();
    expect(out).toContain("embedded demo model (scripted, no AI, no API key)");
    expect(out).toContain("↻ continuation 3/3");
    expect(out).toContain("■ goal turn_limited: 3 of 3 continuations used");
    expect(out).toContain("> /goal events 20");
    expect(out).toContain("gate turn_cap: 3 of 3 continuations used");
    expect(out).toContain("`/goal resume --max-turns 2` would grant two more");
  });
});

describe("real model errors", () => {
  it("names the missing key variable", async () => {
    const test = createTestIo({});
    const code = await runCli(test.io, [
      "run",
      "x",
      "--model",
      "openai:gpt-4o-mini",
      "--store",
      freshStore(),
    ]);
    expect(code).toBe(exitCodes.error);
    expect(test.stderr()).toMatch(/^error: .*OPENAI_API_KEY.*\n$/);
    // In the shell's words: the flag to pass, not the SDK's option name.
    expect(test.stderr()).toContain("pass --api-key");
    expect(test.stderr()).not.toMatch(/\bapiKey\b/);
  });

  it("names --base-url, not the SDK's option, for an endpoint that is not a URL", async () => {
    const test = createTestIo({});
    const code = await runCli(test.io, [
      "run",
      "x",
      "--model",
      "anthropic:claude-haiku-4-5",
      "--api-key",
      "k",
      "--base-url",
      "not a url",
      "--store",
      freshStore(),
    ]);
    expect(code).toBe(exitCodes.error);
    expect(test.stderr()).toMatch(
      /^error: "not a url" is not a URL; pass --base-url or set ANTHROPIC_BASE_URL/,
    );
  });

  it("gives up on a silent endpoint after --timeout (tried three times), pauses the goal, and does not count the turn", async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const store = freshStore();
      const test = createTestIo({});
      const started = Date.now();
      // Three timeouts of 1 s and the SDK's back-off between them: 4 s of waiting, on fast timers.
      const code = await onFastTimers(() =>
        runCli(test.io, [
          "run",
          "x",
          "--model",
          "openai:local-model",
          "--base-url",
          `http://127.0.0.1:${port}/v1`,
          "--timeout",
          "1s",
          "--store",
          store,
          "--session",
          "slow",
        ]),
      );
      expect(code).toBe(exitCodes.error);
      expect(test.stdout()).toMatch(/did not answer within 1000 ms/);
      expect(Date.now() - started).toBeLessThan(60_000);
      const reader = SqliteStore.open(store);
      const goal = (await reader.readState("goal", "slow", "goal"))?.value as {
        status: string;
        continuations: number;
      };
      await reader.close();
      expect(goal).toMatchObject({ status: "paused", continuations: 0 });
    } finally {
      silent.close();
      silent.closeAllConnections();
    }
  });

  it("waits out a provider's rate limit for the time it gave, then goes on once, and the goal ends done", async () => {
    let requests = 0;
    const limited = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        requests++;
        // The SDK tries a 429 three times (its own retries); then the goal waits for the retry time.
        if (requests <= 3) {
          response.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
          const error = {
            message: "Rate limit reached for requests",
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          };
          response.end(JSON.stringify({ error }));
          return;
        }
        const call = {
          id: "c1",
          type: "function",
          function: { name: "goal_status", arguments: '{"status":"done","note":"finished"}' },
        };
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            id: "chatcmpl-1",
            object: "chat.completion",
            created: 1,
            model: "local-model",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: null, tool_calls: [call] },
                finish_reason: "tool_calls",
              },
            ],
            usage: { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => limited.listen(0, "127.0.0.1", resolve));
    const { port } = limited.address() as AddressInfo;
    try {
      const store = freshStore();
      const test = createTestIo({});
      // The SDK's two waits and the goal's, a second each, on fast timers.
      const code = await onFastTimers(() =>
        runCli(test.io, [
          "run",
          "x",
          "--model",
          "openai:local-model",
          "--base-url",
          `http://127.0.0.1:${port}/v1`,
          "--store",
          store,
          "--session",
          "limited",
        ]),
      );
      expect(code).toBe(exitCodes.done);
      expect(test.stdout()).toMatch(/refused for a usage limit \(429, retry in 1 s\): Rate limit reached/);
      expect(test.stdout()).toMatch(/⏸ goal usage_limited: retries in [01]s/);
      expect(test.stdout()).toMatch(/■ goal done: finished\n$/);
      expect(requests).toBe(4);
      const reader = SqliteStore.open(store);
      const goal = (await reader.readState("goal", "limited", "goal"))?.value as {
        continuations: number;
        tokensUsed: number;
      };
      await reader.close();
      expect(goal).toMatchObject({ continuations: 1, tokensUsed: 320 });
    } finally {
      limited.close();
      limited.closeAllConnections();
    }
  });

  it("stops with exit 1 and one line when the endpoint is unreachable", async () => {
    const test = createTestIo({});
    // The SDK's back-off between its three tries is over a second of waiting, on fast timers.
    const code = await onFastTimers(() =>
      runCli(test.io, [
        "run",
        "x",
        "--model",
        "openai:local-model",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--store",
        freshStore(),
      ]),
    );
    expect(code).toBe(exitCodes.error);
    expect(test.stdout()).toMatch(/unreachable/);
    expect(test.stdout()).toMatch(/■ goal paused: a goal turn failed: /);
  });
});

describe("Ctrl-C during goal-lease run", () => {
  it("pauses the goal, says so, names the command that continues it, and exits 4", async () => {
    const test = createTestIo({}, { interruptAtOnce: true });
    const store = freshStore();
    expect(await runCli(test.io, ["run", "tidy the docs", "--store", store, "--session", "s"])).toBe(
      exitCodes.paused,
    );
    expect(test.stderr()).toContain("Goal paused. goal-lease resume --session s continues it.");
    expect(test.stdout()).toMatch(/■ goal paused: paused with Ctrl-C\n$/);

    const again = createTestIo();
    expect(await runCli(again.io, ["run", "other work", "--store", store, "--session", "s"])).toBe(
      exitCodes.error,
    );
    expect(again.stderr()).toBe(
      'error: session s already has a goal that is paused ("tidy the docs"); goal-lease resume --session s continues it, or pick another --session.\n',
    );

    const resumed = createTestIo();
    const resumedCode = await runCli(resumed.io, ["resume", "--session", "s", "--store", store]);
    expect(resumedCode, resumed.stdout() + resumed.stderr()).toBe(exitCodes.done);
    expect(resumed.stdout()).toContain("> /goal resume");
    expect(resumed.stdout()).toMatch(/Goal resumed\./);
    expect(resumed.stdout()).toMatch(/■ goal done: All parts are done\.\n$/);

    const nothing = createTestIo();
    expect(await runCli(nothing.io, ["resume", "--session", "s", "--store", store])).toBe(exitCodes.error);
    expect(nothing.stderr()).toBe(
      'error: session s has no goal to resume; start one with goal-lease run "<objective>" --session s.\n',
    );
  });
});
