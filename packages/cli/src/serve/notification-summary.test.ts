import type { Goal } from "@goal-lease/goal-plugin";
import { expect, it } from "vitest";
import { summarizeNotification } from "./notification-summary.js";

it("shows where a notification went without the webhook's secret path, and how it went", () => {
  const goal = {
    notification: {
      id: "d-1",
      target: "https://hooks.example/services/T0/B0/secret?token=abc",
      status: "budget_limited",
      at: 1_000,
      body: "{}",
      state: "failed",
      attempts: 14,
      outcome: "HTTP 503; given up after 14 attempts",
      settledAt: 601_000,
    },
  } as Goal;
  expect(summarizeNotification(goal)).toEqual({
    id: "d-1",
    target: "https://hooks.example",
    status: "budget_limited",
    state: "failed",
    attempts: 14,
    outcome: "HTTP 503; given up after 14 attempts",
    at: 1_000,
    settledAt: 601_000,
  });
  expect(JSON.stringify(summarizeNotification(goal))).not.toContain("secret");
  expect(summarizeNotification({} as Goal)).toBeNull();
});
