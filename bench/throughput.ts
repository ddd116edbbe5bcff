// Throughput: S sessions x T continuation turns with an instant model, against a bare loop that makes the
// same model and tool calls without the host.
import { performance } from "node:perf_hooks";
import type { HostStore, ModelRequest } from "../packages/sdk/dist/index.js";
import { runGoal } from "./dispatch-latency.ts";
import { goalHost, instantModel } from "./lib.ts";

export async function measureThroughput(store: HostStore, sessions: number, turns: number) {
  const host = await goalHost({ store });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: sessions }, (_, index) => runGoal(host, `throughput-${index}`, turns)),
  );
  const seconds = (performance.now() - start) / 1_000;
  await host.close();
  return { turns: sessions * turns, seconds, turnsPerSecond: (sessions * turns) / seconds };
}

/**
 * The floor: per turn, the one model call (it reports with goal_status, which closes the turn) and the tool
 * call, then a `setImmediate` for the dispatch; no state, validation, persistence, events or hooks.
 */
export async function measureBareLoop(sessions: number, turns: number) {
  const model = instantModel();
  const signal = new AbortController().signal;
  const tool = (input: unknown) => ({ accepted: true, input });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      for (let turn = 0; turn < turns; turn++) {
        const request: ModelRequest = {
          system: "bench",
          messages: [{ role: "user", origin: "continuation", content: `Goal continuation ${turn + 1}` }],
          tools: [],
        };
        const response = await model.generate(request, { signal });
        JSON.stringify(tool(response.toolCalls[0]?.input));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1_000;
  return { turns: sessions * turns, seconds, turnsPerSecond: (sessions * turns) / seconds };
}
