// One host process for the stalled-owner test: it serves session s1 with a goal whose model is a local
// OpenAI-compatible endpoint the test holds, and prints what its host reports, one JSON line each, so the
// test can stop it (SIGSTOP) mid-call, let another process take the session, and wake it (SIGCONT).
// Usage: node stalled-host.ts CONFIG_JSON   ({ store: path } | { postgres: { url, schema } }, baseURL)
import { createHost, type HostStore } from "@goal-lease/sdk";
import { createOpenAIModel } from "@goal-lease/sdk/openai";
import { PostgresStore } from "@goal-lease/sdk/postgres";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { createGoalPlugin } from "../../dist/index.js";

interface Config {
  sqlite?: string;
  postgres?: { url: string; schema: string };
  baseURL: string;
  ttlMs: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as Config;
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const store: HostStore = config.postgres
  ? await PostgresStore.open(config.postgres.url, { schema: config.postgres.schema })
  : SqliteStore.open(config.sqlite ?? "");
const model = createOpenAIModel({ model: "stall", apiKey: "test", baseURL: config.baseURL, maxRetries: 0 });
const host = await createHost({
  model,
  store,
  plugins: [createGoalPlugin()],
  ownership: { ttlMs: config.ttlMs },
});
host.on("turn-start", ({ kind }) => say({ event: "turn-start", kind }));
host.on("turn-end", ({ outcome }) => say({ event: "turn-end", outcome }));
host.on("session-lost", () => say({ event: "session-lost" }));
host.on("host-error", ({ message }) => say({ event: "host-error", message }));
host.on("plugin-error", ({ message }) => say({ event: "plugin-error", message }));
await host.openSession({ sessionKey: "s1" });
const sender = { id: "owner", isOwner: true };
await host.send({ sessionKey: "s1", text: "/goal start write the report", sender });
say({ event: "started" });
process.once("SIGTERM", () => process.exit(0));
