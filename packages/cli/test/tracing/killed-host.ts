// A host process for the tracing test's crash: it registers tracing to the test's OTLP receiver, starts a
// goal in session s1 on a SQLite file, lets one continuation turn end, and in the next turn's model call
// prints `model-call 2` (after its first spans had time to be sent) and never answers: the test SIGKILLs it
// there. Usage: node killed-host.ts <store> <traces-url>
import { createGoalPlugin } from "@goal-lease/goal-plugin";
import { createHost, type Model } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { startTracing } from "../../src/tracing-option.ts";

const [path = "", url = ""] = process.argv.slice(2);
startTracing(url);
let calls = 0;
const model: Model = {
  id: "crash-test",
  async generate() {
    calls += 1;
    if (calls === 1)
      return { text: "did step one", toolCalls: [], usage: { inputTokens: 100, outputTokens: 20 } };
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    process.stdout.write(`model-call ${calls}\n`);
    return new Promise(() => {});
  },
};
const host = await createHost({
  model,
  store: SqliteStore.open(path),
  plugins: [createGoalPlugin()],
  ownership: { ttlMs: 1_000 },
});
await host.openSession({ sessionKey: "s1" });
await host.send({
  sessionKey: "s1",
  text: "/goal start survive a kill",
  sender: { id: "owner", isOwner: true },
});
