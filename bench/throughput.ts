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

/** The floor: per turn, the model call that asks for goal_status, the tool call, and the model call after it. */
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
        const first = await model.generate(request, { signal });
        const call = first.toolCalls[0];
        const result = JSON.stringify(tool(call?.input));
        await model.generate(
          {
            ...request,
            messages: [
              ...request.messages,
              { role: "assistant", content: first.text, toolCalls: first.toolCalls },
              {
                role: "tool",
                toolCallId: call?.id ?? "",
                toolName: "goal_status",
                content: result,
                isError: false,
              },
            ],
          },
          { signal },
        );
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1_000;
  return { turns: sessions * turns, seconds, turnsPerSecond: (sessions * turns) / seconds };
}
