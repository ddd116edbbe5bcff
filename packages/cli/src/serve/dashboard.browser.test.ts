import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readStoredGoal } from "@goal-lease/goal-plugin";
import { type HostStore, openStore } from "@goal-lease/sdk";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPage } from "../../../../scripts/build-page.ts";
import { type ChildLines, startNode } from "../../test/serve/child-lines.js";

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
const artifacts = join(packageRoot, "test-artifacts");
const directory = mkdtempSync(join(tmpdir(), "goal-lease-dashboard-"));
const storePath = join(directory, "state.db");
const session = "release/notes";

let goalHost: ChildLines;
let serve: ChildLines;
let browser: Browser;
let store: HostStore;
let origin = "";
/** What any page printed as an error or threw: a CSP violation or a script error shows here. */
const pageErrors: string[] = [];
let token = "";

beforeAll(async () => {
  // The real binary and the page it serves, built as `pnpm build` builds them (incremental: quick).
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", packageRoot]);
  await buildPage(join(packageRoot, "dist/page"));
  mkdirSync(artifacts, { recursive: true });

  // The goal runs in its own process; the test paces its model calls through its stdin.
  goalHost = startNode([join(packageRoot, "test/serve/goal-host.ts"), storePath, session, "steps", "3"]);
  await goalHost.waitFor(/^model-call 1$/m);
  serve = startNode([join(packageRoot, "dist/bin.js"), "serve", "--store", storePath, "--port", "0"]);
  const [, printedOrigin = "", printedToken = ""] = await serve.waitFor(
    /Open (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)\n/,
  );
  origin = printedOrigin;
  token = printedToken;
  store = await openStore(storePath, { readOnly: true });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
});

/**
 * Whether a console error is Chromium's note of a control request answered 409: the goal's process did not
 * apply the change, and said why. The API answers so by design, and the page shows the reply; Chromium logs
 * every answer over 399 as an error.
 */
function isNotApplied(text: string, url: string): boolean {
  return /status of 409\b/.test(text) && /\/api\/goals\/[^/]+\/[a-z]+$/.test(url);
}

/** A page of the dashboard at `viewport`, its errors collected. */
async function openDashboard(options: Parameters<Browser["newPage"]>[0]): Promise<Page> {
  // Bars drawn at once, so the screenshots show the figures they are taken for.
  const page = await browser.newPage({ reducedMotion: "reduce", ...options });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() !== "error" || isNotApplied(message.text(), message.location().url)) return;
    pageErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(`${origin}/?token=${token}`);
  return page;
}

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await goalHost?.stop();
  await store?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Waits, polling, for the page or the store to come round: generous, and never a timing assertion. */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 30_000, interval: 50 });

/** Lets the goal's process answer its next model call: one continuation turn. */
function releaseTurn(): void {
  goalHost.child.stdin.write("go\n");
}

/** The text of a field of the goal's card. */
function cardText(page: Page, selector: string): Promise<string | null> {
  return page.locator(`[data-session="${session}"] ${selector}`).textContent();
}

const turnsText = (page: Page) => cardText(page, '[data-bar="turns"] .bar-text');
const statusText = (page: Page) => cardText(page, '[data-field="status"]');

/** What a refused request must leave alone: the goal's version and the commands posted to its process. */
async function footprint() {
  const state = await store.readState("goal", session, "goal");
  return { version: state?.version, pending: await store.listPendingCommands() };
}

describe("the goal-lease serve dashboard, in Chromium", () => {
  it("shows a goal advance turn by turn; pause stops the next continuation; resume with a raised cap goes on", async () => {
    const page = await openDashboard({ viewport: { width: 1280, height: 800 } });
    // The token leaves the address bar at once.
    expect(page.url()).toBe(`${origin}/`);
    await eventually(() => statusText(page)).toBe("active");
    await eventually(() => turnsText(page)).toBe("0/3");
    await eventually(() => page.locator('[data-field="connection"]').textContent()).toBe("live");

    const started = Date.now();
    releaseTurn();
    await eventually(() => turnsText(page)).toBe("1/3");
    const shownAfterMs = Date.now() - started;
    await goalHost.waitFor(/^model-call 2$/m);

    await page.locator(`[data-session="${session}"] .card-head`).click();
    await eventually(() => page.locator(".timeline li").count()).toBeGreaterThan(3);
    await page.screenshot({ path: join(artifacts, "dashboard-laptop.png"), fullPage: true });

    // Turn 2 is under way (its model call waits on the test); pause now stops the one after it.
    await page.getByRole("button", { name: "Pause" }).click();
    await eventually(() => page.locator('[data-field="reply"]').textContent()).toMatch(/^Goal paused/);
    expect((await readStoredGoal(store, session))?.status).toBe("paused");
    releaseTurn();
    await eventually(async () => (await readStoredGoal(store, session))?.continuations).toBe(2);
    await eventually(() => statusText(page)).toBe("paused");
    await eventually(() => turnsText(page)).toBe("2/3");
    // Paused, with no continuation pending: the next turn will not start.
    expect(await store.listLeases(session)).toEqual([]);
    expect(goalHost.output()).not.toMatch(/^model-call 3$/m);

    // Resume with three more turns than the two used: the cap becomes 5, past the old 3.
    await page.locator('input[name="maxTurns"]').fill("3");
    await page.getByRole("button", { name: "Resume" }).click();
    await eventually(() => page.locator('[data-field="reply"]').textContent()).toMatch(/^Goal resumed/);
    await eventually(() => turnsText(page)).toBe("2/5");
    for (const turn of [3, 4, 5]) {
      await goalHost.waitFor(new RegExp(`^model-call ${turn}$`, "m"));
      releaseTurn();
      await eventually(() => turnsText(page)).toBe(`${turn}/5`);
    }
    await eventually(() => statusText(page)).toBe("turn limited");
    const goal = await readStoredGoal(store, session);
    expect(goal).toMatchObject({ status: "turn_limited", continuations: 5 });
    expect(await page.locator(`[data-session="${session}"] .chart rect`).count()).toBe(10);
    await page.screenshot({ path: join(artifacts, "dashboard-laptop-resumed.png"), fullPage: true });
    writeFileSync(
      join(artifacts, "figures.txt"),
      `a turn's end shown on the page after ${shownAfterMs} ms (includes the goal process's own turn)\n`,
    );
    await page.close();
  });

  it("reads well on a phone: nothing wider than the screen", async () => {
    const page = await browser.newPage({
      reducedMotion: "reduce",
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${origin}/?token=${token}`);
    await eventually(() => turnsText(page)).toBe("5/5");
    await page.locator(`[data-session="${session}"] .card-head`).click();
    await eventually(() => page.locator(".timeline li").count()).toBeGreaterThan(3);
    // Evaluated in the page, where `document` is the page's; the test's own types know no DOM.
    const scrollWidth = await page.evaluate("document.documentElement.scrollWidth");
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(artifacts, "dashboard-phone.png"), fullPage: true });
    await page.close();
  });

  it("refuses requests without the token, with a wrong one, or from another site's page, and changes nothing", async () => {
    const before = await footprint();
    const pause = (headers: Record<string, string>) =>
      fetch(`${origin}/api/goals/${encodeURIComponent(session)}/pause`, {
        method: "POST",
        headers,
        body: "{}",
      });
    expect((await pause({ "Content-Type": "application/json" })).status).toBe(401);
    expect((await pause({ "Content-Type": "application/json", Authorization: "Bearer nope" })).status).toBe(
      401,
    );
    expect(
      (
        await pause({
          "Content-Type": "application/json",
          Authorization: `Bearer ${token}`,
          Origin: "http://evil.test",
        })
      ).status,
    ).toBe(403);

    // Another site's page, in the same browser, even one that somehow knew the token.
    const other: Server = createServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>elsewhere</title>");
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const page = await browser.newPage();
    await page.goto(`http://localhost:${(other.address() as AddressInfo).port}/`);
    const outcomes = await page.evaluate(
      async ({ target, knownToken }) => {
        const attempt = async (init: RequestInit) => {
          try {
            const response = await fetch(target, init);
            return response.type === "opaque" ? "opaque" : String(response.status);
          } catch {
            return "blocked";
          }
        };
        return {
          withToken: await attempt({
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: `Bearer ${knownToken}` },
            body: "{}",
          }),
          simple: await attempt({
            method: "POST",
            mode: "no-cors",
            headers: { "Content-Type": "text/plain" },
            body: "{}",
          }),
        };
      },
      { target: `${origin}/api/goals/${encodeURIComponent(session)}/pause`, knownToken: token },
    );
    // The preflight finds no CORS grant, so the request with the token is never sent. The simple one is
    // sent, refused for its Origin, and its answer withheld from the page (Cross-Origin-Resource-Policy).
    expect(outcomes).toEqual({ withToken: "blocked", simple: "blocked" });
    await page.close();
    await new Promise((resolve) => other.close(resolve));
    expect(await footprint()).toEqual(before);
    expect((await readStoredGoal(store, session))?.status).toBe("turn_limited");
  });

  it("wakes, edits and clears from the page, each answered in place, with no script or policy error", async () => {
    const page = await openDashboard({ viewport: { width: 1280, height: 800 } });
    await page.locator(`[data-session="${session}"] .card-head`).click();
    const reply = page.locator('[data-field="reply"]');

    await page.getByRole("button", { name: "Wake" }).click();
    await eventually(() => reply.textContent()).toBe(
      "The goal is turn_limited, not waiting, so there is nothing to wake.",
    );

    // The objective is free text, kept as typed (trimmed), line breaks and all, as the chat reader keeps it.
    const objective = "write the release notes\nand the upgrade guide";
    await page.getByRole("button", { name: "Edit" }).click();
    await page.locator('textarea[name="objective"]').fill(`${objective}\n`);
    await page.getByRole("button", { name: "Save objective" }).click();
    await eventually(() => reply.textContent()).toMatch(/^Objective updated/);
    expect((await readStoredGoal(store, session))?.objective).toBe(objective);
    await eventually(() => cardText(page, ".objective")).toBe(objective);

    // Clear asks first; the test's dialog handler says yes.
    await page.getByRole("button", { name: "Clear" }).click();
    await eventually(() => reply.textContent()).toMatch(/^Goal cleared/);
    await eventually(() => statusText(page)).toBe("cleared");
    expect((await readStoredGoal(store, session))?.status).toBe("cleared");
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
