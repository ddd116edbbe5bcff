// A host process running one goal on a SQLite store, for the serve tests: goals run here while
// goal-lease serve, another process, shows and controls them. Run by Node directly (it strips the types):
//   node goal-host.ts <store> <session> steps <max-turns>   each model call waits for a line on stdin,
//                                                            then reports continue: the test paces turns
//   node goal-host.ts <store> <session> wait <max-turns>    the first turn asks to wait an hour; the next reports done
// It prints `model-call N` as each model call starts, and `ready` once the goal is started.
import { createInterface } from "node:readline";
import { createGoalPlugin } from "@goal-lease/goal-plugin";
import { createHost, type Model, type ModelResponse } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";

const [path = "", session = "", mode = "steps", maxTurns = "3"] = process.argv.slice(2);
const store = SqliteStore.open(path);
let calls = 0;
let released = 0;
const waiting: (() => void)[] = [];
createInterface({ input: process.stdin }).on("line", () => {
  released += 1;
  for (const wake of waiting.splice(0)) wake();
});
const usage = { inputTokens: 120, outputTokens: 30 };

const model: Model = {
  id: "serve-test",
  async generate(request): Promise<ModelResponse> {
    if (request.messages.at(-1)?.role === "tool") return { text: "", toolCalls: [], usage };
    calls += 1;
    const call = calls;
    process.stdout.write(`model-call ${call}\n`);
    if (mode === "wait") {
      const input =
        call === 1
          ? { status: "waiting", wait_seconds: 3_600, note: "waiting for CI" }
          : { status: "done", note: "CI passed" };
      return { text: "", toolCalls: [{ id: `call-${call}`, name: "goal_status", input }], usage };
    }
    while (released < call) await new Promise<void>((resolve) => waiting.push(resolve));
    const input = { status: "continue", note: `finished step ${call}` };
    return {
      text: "",
      toolCalls: [{ id: `call-${call}`, name: "goal_status", input }],
      usage: { inputTokens: 100 + 20 * call, outputTokens: 30 + 5 * call },
    };
  },
};

const host = await createHost({ model, store, plugins: [createGoalPlugin()], inboxPollMs: 50 });
await host.openSession({ sessionKey: session });
await host.send({
  sessionKey: session,
  text: `/goal start write the release notes --max-turns ${maxTurns}`,
  sender: { id: "owner", isOwner: true },
});
process.stdout.write("ready\n");
process.once("SIGTERM", () => {
  void host
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
