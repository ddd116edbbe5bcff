import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { storedGoalWithEvents } from "../../test/goal-harness.js";
import { cleanUp, notifiedHost, receiver } from "../../test/notify/notified-host.js";
import { formatGoalCommand } from "../goal-control/format.js";
import { parseGoalCommand } from "../goal-control/parse.js";
import { desktopCommand, showDesktopNotification } from "./show-desktop.js";

afterEach(cleanUp);
const folder = mkdtempSync(join(tmpdir(), "goal-lease-notify-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("--notify", () => {
  it("sends the goal's stops where it says, ahead of the default", async () => {
    const own = await receiver();
    const fallback = await receiver();
    const test = await notifiedHost(
      [{ toolCalls: [{ name: "goal_status", input: { status: "done", note: "done" } }] }],
      {
        target: fallback.url,
      },
    );
    expect(await test.send(`/goal start ship it --notify ${own.url}`)).toMatch(/^Goal started/);
    await test.drain();

    expect(own.received.map((request) => request.payload.status)).toEqual(["done"]);
    expect(fallback.received).toEqual([]);
    expect((await storedGoalWithEvents(test.store, "s1"))?.notify).toBe(own.url);
  });

  it("reads back as written: quoted, with a query, or desktop", () => {
    const url = "https://ntfy.example/goals?tpl=yes&m={{.text}}";
    const change = { verb: "start", input: { objective: "go", notify: "desktop" } } as const;
    expect(parseGoalCommand("goal", "start go --notify desktop")).toEqual({ change });
    const quoted = parseGoalCommand("goal", `start go --notify ${JSON.stringify(url)}`);
    expect(quoted).toEqual({ change: { verb: "start", input: { objective: "go", notify: url } } });
    if ("change" in quoted) {
      expect(
        parseGoalCommand("goal", formatGoalCommand("goal", quoted.change).slice("/goal ".length)),
      ).toEqual(quoted);
    }
  });

  it.each(["ftp://files.example/x", "hooks.example/path", "Desktop", "javascript:alert(1)"])(
    "refuses %s, creating nothing",
    async (target) => {
      const test = await notifiedHost([]);
      const reply = await test.send(`/goal start ship it --notify ${target}`);
      expect(reply).toMatch(
        /^Usage error: notify expected an http\(s\) URL or the word desktop\. Usage: \/goal start/,
      );
      expect(await storedGoalWithEvents(test.store, "s1")).toBeUndefined();
    },
  );

  it("is set anew by resume, and shown by status without a webhook's secret path", async () => {
    const test = await notifiedHost([
      { toolCalls: [{ name: "goal_status", input: { status: "blocked", note: "no key" } }] },
    ]);
    const hook = await receiver();
    await test.send(`/goal start ship it --notify ${hook.origin}/services/T0/B0/secret`);
    await test.drain();
    expect(await test.send("/goal status")).toContain(
      `Notify: ${hook.origin}; last (blocked) sent: HTTP 200`,
    );
    await test.send("/goal pause");
    await test.send("/goal resume --notify desktop");
    expect((await storedGoalWithEvents(test.store, "s1"))?.notify).toBe("desktop");
    expect(await test.send("/goal status")).not.toContain("secret");
  });

  it("is the person's: the model's goal_status cannot name one", async () => {
    const test = await notifiedHost([
      {
        toolCalls: [
          { name: "goal_status", input: { status: "done", note: "done", notify: "https://evil.example/x" } },
        ],
      },
      { text: "ok" },
    ]);
    await test.send("/goal start ship it --max-turns 1");
    await test.drain();
    const goal = await storedGoalWithEvents(test.store, "s1");
    expect(goal?.notify).toBeUndefined();
    expect(goal?.status).toBe("turn_limited");
  });
});

describe("a desktop notification", () => {
  it("uses notify-send on Linux with a desktop, osascript on macOS, and nothing elsewhere", () => {
    expect(desktopCommand("t", "x", "linux", { DISPLAY: ":0" })).toEqual({
      program: "notify-send",
      args: ["--app-name=goal-lease", "--", "t", "x"],
    });
    expect(desktopCommand("t", "x", "linux", {})).toEqual({ none: "no desktop session here" });
    const mac = desktopCommand("t", 'x" & do shell script "rm', "darwin", {});
    // The words are arguments of the script, never part of it.
    expect(mac).toMatchObject({ program: "osascript" });
    expect("args" in mac && mac.args.slice(-2)).toEqual(["t", 'x" & do shell script "rm']);
    expect(desktopCommand("t", "x", "win32", {})).toEqual({ none: "no desktop notifications on win32" });
  });

  it("runs notify-send with the title and text as they are", async () => {
    const shown = join(folder, "shown.txt");
    writeFileSync(join(folder, "notify-send"), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(shown)}\n`);
    chmodSync(join(folder, "notify-send"), 0o755);
    const env = { PATH: `${folder}:/usr/bin:/bin`, DISPLAY: ":99" };
    const result = await showDesktopNotification("goal-lease: s1", "done; $(touch pwned)", 5_000, env);
    if (process.platform !== "linux") return;
    expect(result).toEqual({ result: "sent", outcome: "shown by notify-send" });
    expect(readFileSync(shown, "utf8")).toBe(
      "--app-name=goal-lease\n--\ngoal-lease: s1\ndone; $(touch pwned)\n",
    );
  });

  it("is skipped, silently, where there is no notify-send", async () => {
    const env = { PATH: join(folder, "empty"), DISPLAY: ":99" };
    const result = await showDesktopNotification("goal-lease: s1", "done", 5_000, env);
    if (process.platform !== "linux") return;
    expect(result).toEqual({ result: "skipped", outcome: "no notify-send here" });
  });
});
