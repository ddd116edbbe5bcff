import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPage } from "../../../scripts/build-page.ts";
import { createTestIo, runCli } from "../test/test-io.js";
import { defaultPageDirectory } from "./serve/page-routes.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-serve-"));
const store = join(directory, "state.db");
afterAll(() => rmSync(directory, { recursive: true, force: true }));

beforeAll(async () => {
  await buildPage(defaultPageDirectory);
  await SqliteStore.open(store).close();
}, 60_000);

describe("goal-lease serve", () => {
  it("prints the URL with a fresh token, serves the page with its security headers, and stops on Ctrl-C", async () => {
    const test = createTestIo();
    const running = runCli(test.io, ["serve", "--store", store, "--port", "0"]);
    await expect.poll(test.stdout, { timeout: 30_000 }).toMatch(/Ctrl-C stops the server\.\n$/);
    const url = /Open (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]{43})\n/.exec(test.stdout());
    expect(url).not.toBeNull();
    const [, origin = "", token = ""] = url ?? [];

    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
    expect(page.headers.get("content-security-policy")).toMatch(
      /^default-src 'self';.*frame-ancestors 'none'/,
    );
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await fetch(`${origin}/app.js`)).headers.get("content-type")).toMatch(/^text\/javascript/);
    const goals = await fetch(`${origin}/api/goals`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await goals.json()).toEqual({ goals: [] });

    test.interrupt();
    expect(await running).toBe(0);
    await expect(fetch(`${origin}/`)).rejects.toThrow();
  });

  it("takes its token from --token-file and does not print it", async () => {
    const tokenFile = join(directory, "token");
    writeFileSync(tokenFile, "a-token-from-a-file-0123456789\n");
    const test = createTestIo();
    const running = runCli(test.io, ["serve", "--store", store, "--port", "0", "--token-file", tokenFile]);
    await expect.poll(test.stdout, { timeout: 30_000 }).toMatch(/Ctrl-C stops the server\.\n$/);
    expect(test.stdout()).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\/\?token=<the token in --token-file>\n/);
    const origin = /Open (http:\/\/[^/]+)/.exec(test.stdout())?.[1];
    const ok = await fetch(`${origin}/api/goals`, {
      headers: { Authorization: "Bearer a-token-from-a-file-0123456789" },
    });
    expect(ok.status).toBe(200);
    test.interrupt();
    expect(await running).toBe(0);
  });

  it("refuses, in one line, to listen beyond loopback without a token file, or with a weak one", async () => {
    const open = createTestIo();
    expect(await runCli(open.io, ["serve", "--store", store, "--host", "0.0.0.0"])).toBe(1);
    expect(open.stderr()).toBe(
      "error: --host 0.0.0.0 is reachable from other machines; pass --token-file FILE too (or drop --host to stay on 127.0.0.1).\n",
    );
    const weakFile = join(directory, "weak");
    writeFileSync(weakFile, "short\n");
    const weak = createTestIo();
    expect(await runCli(weak.io, ["serve", "--store", store, "--token-file", weakFile])).toBe(1);
    expect(weak.stderr()).toMatch(
      /^error: --token-file .*weak needs one line of at least 16 printable characters/,
    );
    const missing = createTestIo();
    expect(await runCli(missing.io, ["serve", "--store", join(directory, "none.db")])).toBe(1);
    expect(missing.stderr()).toMatch(/^error: No store at .*none\.db; run goal-lease run or chat first/);
  });

  it("says in one line what to do when its port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const test = createTestIo();
      expect(await runCli(test.io, ["serve", "--store", store, "--port", String(port)])).toBe(1);
      expect(test.stderr()).toBe(
        `error: 127.0.0.1:${port} is in use (another goal-lease serve?); pass --port with another port, or --port 0 for any free one.\n`,
      );
    } finally {
      taken.close();
    }
  });
});
