// What each round trip of one PostgreSQL session alone carries (not in CI, not a figure of its own): a goal
// of `turns` continuations, each batch the group commit sends as the names of its writes, in order, between
// the host's model calls, tool calls and turn ends. The model reports `continue` each turn (the bench's), or,
// with `quiet`, ends each turn with a note and no report (what the goal's prompt asks of it).
// `node bench/lone-session.ts [turns] [quiet]` after `pnpm build`.
import pg from "pg";
import type { Model } from "../packages/sdk/dist/index.js";
import { PostgresStore } from "../packages/sdk/dist/postgres.js";
import { startPostgres } from "../test/postgres-server.ts";
import { runGoal } from "./dispatch-latency.ts";
import { goalHost } from "./lib.ts";

const lines: string[] = [];
let recording = false;
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function traced(
  this: unknown,
  ...args: unknown[]
) {
  const first = args[0] as { name?: string; text?: string; values?: unknown[] } | string;
  if (recording && typeof first === "object" && first.name === "goal_lease_apply_batch") {
    const ops = JSON.parse(String(first.values?.[0])) as { f: string; d?: number }[];
    lines.push(
      `  batch: ${ops.map((op) => (op.d === undefined ? op.f : `${op.f} (after ${op.d})`)).join(", ")}`,
    );
  } else if (recording) lines.push(`  statement: ${String(typeof first === "string" ? first : first.text)}`);
  return query.apply(this, args);
};

const server = await startPostgres();
const store = await PostgresStore.open(server.url, { schema: "lone_session" });
const quiet: Model = {
  id: "quiet",
  async generate(request) {
    const last = request.messages.at(-1);
    const text = last?.role === "user" && last.origin === "continuation" ? `did step ${lines.length}` : "";
    return { text, toolCalls: [], usage: { inputTokens: 10, outputTokens: 5 } };
  },
};
const host = await goalHost({ store, ...(process.argv[3] === "quiet" ? { model: quiet } : {}) });
host.on("model-call", () => lines.push("model call"));
host.on("tool-call", (event) => lines.push(`tool call ${event.name}`));
host.on("turn-end", (event) => lines.push(`turn end (${event.kind})`));
recording = true;
await runGoal(host, "lone", Number(process.argv[2] ?? 4));
recording = false;
await host.close();
await store.close();
await server.stop();
process.stdout.write(`${lines.join("\n")}\n`);
