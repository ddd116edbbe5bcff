import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "./server.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-serve-methods-"));
const store = SqliteStore.open(join(directory, "state.db"));
const token = "methods-test-token-0123456789";
const auth = { Authorization: `Bearer ${token}` };
// The page's content plays no part here; the server only needs its three files to start.
for (const name of ["index.html", "app.js", "app.css"]) writeFileSync(join(directory, name), "");
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    store,
    token,
    webhookSecret: "webhook-secret-0123456789",
    host: "127.0.0.1",
    port: 0,
    pageDirectory: directory,
  });
});

afterAll(async () => {
  await server?.close();
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

// Every route of goal-lease serve, and the methods it serves.
const routes = [
  { path: "/", allow: "GET, HEAD" },
  { path: "/app.js", allow: "GET, HEAD" },
  { path: "/app.css", allow: "GET, HEAD" },
  { path: "/api/events", allow: "GET, HEAD" },
  { path: "/api/goals", allow: "GET, HEAD" },
  { path: "/api/goals/ci%2Fbuild-1", allow: "GET, HEAD" },
  { path: "/api/goals/ci%2Fbuild-1/pause", allow: "POST" },
  { path: "/hooks/wake/ci%2Fbuild-1", allow: "POST" },
];
const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

describe("goal-lease serve: methods a route does not serve", () => {
  it("are answered 405 with the Allow header, on every route", async () => {
    for (const { path, allow } of routes) {
      for (const method of methods.filter((method) => !allow.split(", ").includes(method))) {
        const response = await fetch(`${server.origin}${path}`, { method, headers: auth });
        const seen = `${method} ${path}`;
        expect(response.status, seen).toBe(405);
        expect(response.headers.get("allow"), seen).toBe(allow);
        if (method === "HEAD") continue;
        expect(response.headers.get("content-type"), seen).toMatch(/^application\/json/);
        expect(await response.json(), seen).toEqual({
          error: `${method} is not served on ${path}: use ${allow}.`,
        });
      }
    }
  });

  it("leave the routes' own methods, and the 404 of a path no route has, as they were", async () => {
    expect((await fetch(`${server.origin}/`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${server.origin}/api/goals`, { method: "HEAD", headers: auth })).status).toBe(200);
    const none = await fetch(`${server.origin}/api/nothing`, { method: "DELETE", headers: auth });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toMatch(/^No route DELETE \/api\/nothing/);
    // The API's checks come first: without the token a wrong method learns nothing more than a right one.
    expect((await fetch(`${server.origin}/api/goals`, { method: "DELETE" })).status).toBe(401);
  });
});
