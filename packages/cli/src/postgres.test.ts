import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { createTestIo, runCli } from "../test/test-io.js";
import { exitCodes } from "./exit-codes.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** The run's PostgreSQL server; the CLI keeps its tables in the store's default schema there. */
const storeUrl = () => inject("postgresUrl");

describe("goal-lease on PostgreSQL", () => {
  it("runs a goal with --store postgres://..., and status reads it there, the password never shown", async () => {
    const session = `pg-${randomUUID()}`;
    const run = createTestIo();
    const code = await runCli(run.io, ["run", "tidy the docs", "--store", storeUrl(), "--session", session]);
    expect(code, run.stderr()).toBe(exitCodes.done);
    expect(run.stdout()).toMatch(/store PostgreSQL at 127\.0\.0\.1:\d+\/postgres/);
    expect(run.stdout() + run.stderr()).not.toContain("goal-lease-test");

    const status = createTestIo({ GOAL_LEASE_STORE: storeUrl() });
    expect(await runCli(status.io, ["status", "--session", session])).toBe(0);
    expect(status.stdout()).toContain('Goal: "tidy the docs"');
    expect(status.stdout()).toContain("Status: done");
  });

  it("says in one line, exit 1, when the server cannot be reached", async () => {
    const url = new URL(storeUrl());
    url.port = "9";
    const test = createTestIo();
    const code = await runCli(test.io, ["status", "--store", url.toString()]);
    expect(code).toBe(1);
    expect(test.stderr().trim().split("\n")).toHaveLength(1);
    expect(test.stderr()).toMatch(/not reachable .*start it or check the store URL/);
    expect(test.stderr()).not.toContain("goal-lease-test");
  });
});
