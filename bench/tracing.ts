// What tracing costs on the hot path: goal throughput on the memory store with no OpenTelemetry SDK
// registered (the libraries' spans are no-ops), then with the SDK `goal-lease --otlp` registers, exporting
// OTLP/HTTP JSON to a receiver in another process that accepts and drops it. Rounds alternate, in one run.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { startTracing } from "../packages/cli/dist/tracing-option.js";
import { MemoryStore } from "../packages/sdk/dist/index.js";
import { measureThroughput } from "./throughput.ts";

const sinkSource = `
const server = require("node:http").createServer((request, response) => {
  request.resume();
  request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end("{}"));
});
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
`;

async function startSink(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", sinkSource], { stdio: ["ignore", "pipe", "inherit"] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString().trim()}/v1/traces`, child };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function measureTracingCost(sessions: number, turns: number, rounds = 5) {
  const sink = await startSink();
  const plain: number[] = [];
  const traced: number[] = [];
  let spans = 0;
  try {
    // A round that warms the code up, counted nowhere: the first rounds of a run are the slowest.
    await measureThroughput(new MemoryStore(), sessions, turns);
    for (let round = 0; round < rounds; round++) {
      plain.push((await measureThroughput(new MemoryStore(), sessions, turns)).turnsPerSecond);
      const counter = {
        onStart: () => {},
        onEnd: () => {
          spans++;
        },
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      };
      const tracing = startTracing(sink.url, [counter]);
      traced.push((await measureThroughput(new MemoryStore(), sessions, turns)).turnsPerSecond);
      await tracing.shutdown();
    }
  } finally {
    sink.child.kill();
  }
  const untraced = median(plain);
  const withSdk = median(traced);
  return {
    untraced,
    traced: withSdk,
    ratio: withSdk / untraced,
    spansPerTurn: spans / (rounds * sessions * turns),
    rounds: { plain, traced },
  };
}
