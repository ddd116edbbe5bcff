// Shared pieces of the benchmark: the instant model, the goal host, and statistics.
import { createGoalPlugin } from "../packages/goal-plugin/dist/index.js";
import type { Clock, HostStore, Model } from "../packages/sdk/dist/index.js";
import { createHost } from "../packages/sdk/dist/index.js";

const usage = { inputTokens: 10, outputTokens: 5 };

/** A model that answers at once: `continue` with a fresh note in a goal turn, empty text after a tool result. */
export function instantModel(): Model {
  let step = 0;
  return {
    id: "instant",
    async generate(request) {
      const last = request.messages.at(-1);
      if (last?.role !== "user" || last.origin !== "continuation") return { text: "", toolCalls: [], usage };
      step++;
      return {
        text: "",
        toolCalls: [
          { id: `c${step}`, name: "goal_status", input: { status: "continue", note: `step ${step}` } },
        ],
        usage,
      };
    },
  };
}

/** The production host with the goal plugin and limits wide enough for long runs. */
export function goalHost(options: { store: HostStore; model?: Model; clock?: Clock }) {
  return createHost({
    model: options.model ?? instantModel(),
    store: options.store,
    clock: options.clock,
    plugins: [
      createGoalPlugin({
        defaults: { maxTurns: 1_000, tokenBudget: 100_000_000, timeBudgetMs: 7 * 86_400_000 },
      }),
    ],
  });
}

export const owner = Object.freeze({ id: "bench", isOwner: true });

/** p50, p99 and max of a sample, in the sample's unit. */
export function percentiles(samples: number[]): { p50: number; p99: number; max: number; count: number } {
  const sorted = [...samples].sort((left, right) => left - right);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, count: sorted.length };
}

/** Rounds for the table. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Forces a full collection so heap readings compare; the bench runs with --expose-gc. */
export function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
