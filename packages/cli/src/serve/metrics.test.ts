import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGoalPlugin, readStoredGoal } from "@goal-lease/goal-plugin";
import { createHost, type Host, MemoryStore } from "@goal-lease/sdk";
import { ScriptedModel } from "@goal-lease/sdk/testing";
import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunningServer, startServer } from "./server.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-metrics-"));
// The page's files, empty: these tests read only the metrics.
for (const file of ["index.html", "app.js", "app.css"]) writeFileSync(join(directory, file), "");
const token = "test-token-0123456789abcdef";
const metricsToken = "metrics-token-0123456789";
const owner = { id: "owner", isOwner: true };
const store = new MemoryStore();
// Two continuations that each say continue, on a model priced at $1 a million input and $10 output.
const usage = { inputTokens: 1_000, outputTokens: 100 };
const model = new ScriptedModel(
  [
    { text: "did one", usage },
    { text: "did two", usage },
    { text: "answered", usage },
  ],
  { id: "priced-model" },
);
const prices = { asOf: "2025-01-01", models: { "priced-model": { input: 1, output: 10 } } };
let host: Host;
let server: RunningServer;

beforeAll(async () => {
  host = await createHost({ model, store, prices, plugins: [createGoalPlugin()] });
  await host.openSession({ sessionKey: "s1" });
  await host.send({ sessionKey: "s1", text: "/goal start tidy up --max-turns 2", sender: owner });
  await vi.waitFor(async () => expect((await readStoredGoal(store, "s1"))?.status).toBe("turn_limited"));
  await host.openSession({ sessionKey: "s2" });
  await host.send({ sessionKey: "s2", text: "hello", sender: owner });
  server = await startServer({
    store,
    token,
    metricsToken,
    host: "127.0.0.1",
    port: 0,
    pageDirectory: directory,
  });
});

afterAll(async () => {
  await server?.close();
  await host?.close();
  rmSync(directory, { recursive: true, force: true });
});

const scrape = (bearer?: string) =>
  fetch(
    `${server.origin}/metrics`,
    bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } },
  );

/** The value of `name`'s sample whose labels include `labels`. */
function sample(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((candidate) => candidate.name === name);
  const found = family?.metrics.find((metric) =>
    Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value),
  );
  if (!found) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return Number(found.value ?? found.count);
}

describe("GET /metrics", () => {
  it("answers in the Prometheus text format, which a Prometheus parser reads", async () => {
    const response = await scrape(metricsToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await response.text());
    expect(families.map((family) => family.name).sort()).toEqual([
      "goal_lease_continuations_total",
      "goal_lease_cost_usd_total",
      "goal_lease_gate_stops_total",
      "goal_lease_goals",
      "goal_lease_lease_dispatch_seconds",
      "goal_lease_owners_alive",
      "goal_lease_store_errors_total",
      "goal_lease_tokens_total",
      "goal_lease_unpriced_turns_total",
    ]);
    expect(sample(families, "goal_lease_goals", { status: "turn_limited" })).toBe(1);
    expect(sample(families, "goal_lease_goals", { status: "active" })).toBe(0);
    expect(sample(families, "goal_lease_continuations_total", { model: "priced-model" })).toBe(2);
    expect(sample(families, "goal_lease_tokens_total", { model: "priced-model", type: "input" })).toBe(2_000);
    expect(sample(families, "goal_lease_tokens_total", { model: "priced-model", type: "output" })).toBe(200);
    // Each turn: 1,000 input at $1/M and 100 output at $10/M, $0.002.
    expect(sample(families, "goal_lease_cost_usd_total", { model: "priced-model" })).toBeCloseTo(0.004, 9);
    expect(sample(families, "goal_lease_gate_stops_total", { gate: "turn_cap" })).toBe(1);
    expect(sample(families, "goal_lease_owners_alive")).toBe(1);
    expect(sample(families, "goal_lease_store_errors_total")).toBe(0);
    const dispatch = families.find((family) => family.name === "goal_lease_lease_dispatch_seconds");
    expect(dispatch?.type).toBe("HISTOGRAM");
    expect(Number(dispatch?.metrics[0]?.count)).toBe(2);
  });

  it("counts each event once, however often it is scraped", async () => {
    const families = parsePrometheusTextFormat(await (await scrape(token)).text());
    expect(sample(families, "goal_lease_continuations_total", { model: "priced-model" })).toBe(2);
    expect(sample(families, "goal_lease_gate_stops_total", { gate: "turn_cap" })).toBe(1);
  });

  it("takes the server's token or its read-only metrics token, and the metrics token opens nothing else", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("wrong-token-0123456789")).status).toBe(401);
    expect((await scrape(token)).status).toBe(200);
    const api = await fetch(`${server.origin}/api/goals`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(api.status).toBe(401);
    expect((await fetch(`${server.origin}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("counts a store that fails as store errors, and still answers", async () => {
    const failing = new MemoryStore();
    failing.listSessions = () => Promise.reject(new Error("disk gone"));
    const broken = await startServer({
      store: failing,
      token,
      host: "127.0.0.1",
      port: 0,
      pageDirectory: directory,
    });
    try {
      const response = await fetch(`${broken.origin}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(sample(parsePrometheusTextFormat(await response.text()), "goal_lease_store_errors_total")).toBe(
        1,
      );
    } finally {
      await broken.close();
    }
  });
});
