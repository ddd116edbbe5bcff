import type { HostEvent, Model, ModelRequest, ModelResponse } from "@goal-lease/sdk";
import { createTestHost } from "@goal-lease/sdk/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storedGoalWithEvents } from "../test/goal-harness.js";
import { createGoalPlugin } from "./index.js";

type Behaviour = "continue" | "continue-same" | "done" | "blocked" | "waiting_approval" | "silent" | "error";

/** Plays one scripted behaviour per goal turn; user turns just get text. */
class BehaviourModel implements Model {
  readonly id = "behaviour";
  readonly queue: Behaviour[] = [];
  #step = 0;
  // Counted as a provider would, so tight budgets below are held by the real ceiling arithmetic.
  countInputTokens(): number {
    return 10;
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const usage = { inputTokens: 10, outputTokens: 5 };
    const last = request.messages.at(-1);
    if (last?.role !== "user" || last.origin !== "continuation") return { text: "ok", toolCalls: [], usage };
    const behaviour = this.queue.shift() ?? "done";
    if (behaviour === "error") throw new Error("provider down");
    if (behaviour === "silent") return { text: "forgot", toolCalls: [], usage };
    const status = behaviour.startsWith("continue") ? "continue" : behaviour;
    const note = behaviour === "continue-same" ? "same note" : `step ${++this.#step}`;
    return {
      text: "",
      toolCalls: [{ id: `c${this.#step}`, name: "goal_status", input: { status, note } }],
      usage,
    };
  }
}

const action = fc.oneof(
  fc.record({
    kind: fc.constant("command" as const),
    text: fc.constantFrom(
      "/goal start reach the summit --max-turns 4 --budget 300",
      "/goal start write it --max-turns 2",
      "/goal start on a shoestring --budget 70",
      "/goal pause",
      "/goal resume",
      "/goal resume --max-turns 3 --budget 500",
      "/goal done",
      "/goal clear",
      "/goal edit a new objective",
      "/goal status",
    ),
  }),
  fc.record({
    kind: fc.constant("message" as const),
    text: fc.constantFrom("how is it going?", "keep at it"),
  }),
  fc.record({
    kind: fc.constant("behaviours" as const),
    behaviours: fc.array(
      fc.constantFrom<Behaviour>(
        "continue",
        "continue",
        "continue-same",
        "done",
        "blocked",
        "waiting_approval",
        "silent",
        "error",
      ),
      { maxLength: 6 },
    ),
  }),
);

describe("goal state machine", () => {
  it("keeps its invariants under any sequence of commands, messages and model behaviours", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const model = new BehaviourModel();
        const { host, store, settle, dispose } = await createTestHost({
          model,
          plugins: [createGoalPlugin()],
        });
        const starts: HostEvent<"turn-start">[] = [];
        host.on("turn-start", (event) => starts.push(event));
        await host.openSession({ sessionKey: "s1" });
        try {
          for (const step of actions) {
            if (step.kind === "behaviours") model.queue.push(...step.behaviours);
            else
              await host.send({ sessionKey: "s1", text: step.text, sender: { id: "owner", isOwner: true } });
            await settle();
            const goal = await storedGoalWithEvents(store, "s1");
            const leases = await store.listLeases();
            if (!goal) {
              expect(leases).toEqual([]);
              continue;
            }
            const goalLeaseKey = `goal.${goal.id}`;
            // Never past the cap, and every continuation counted exactly once (a turn the provider failed, never).
            expect(goal.continuations).toBeLessThanOrEqual(goal.limits.maxTurns);
            const failed = goal.events.filter((event) => event.type === "continuation-failed").length;
            expect(starts.filter((start) => start.leaseKey === goalLeaseKey)).toHaveLength(
              goal.continuations + failed,
            );
            // Only the user reopens a goal.
            for (const event of goal.events)
              if (event.type === "status" && event.to === "active") expect(event.by).toBe("user");
            // A stopped goal has nothing pending; a running one always has its next turn pending.
            const pending = leases.filter((lease) => lease.leaseKey === goalLeaseKey);
            expect(pending).toHaveLength(goal.status === "active" ? 1 : 0);
            expect(leases.filter((lease) => lease.leaseKey !== goalLeaseKey)).toEqual([]);
            if (goal.tokensUsed >= goal.limits.tokenBudget) expect(goal.status).not.toBe("active");
            // The budget is a ceiling for the goal's own turns; only user turns may pass it.
            if (!actions.some((action) => action.kind === "message"))
              expect(goal.tokensUsed).toBeLessThanOrEqual(goal.limits.tokenBudget);
          }
        } finally {
          await dispose();
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
