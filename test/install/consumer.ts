// What a user of the packed packages writes: a goal run to done on the production host, from the public
// entry points only. Type-checked by TypeScript alone against the tarballs' declarations, then run by Node.
import { createGoalPlugin, type Goal, readStoredGoal } from "@goal-lease/goal-plugin";
import { MemoryStore } from "@goal-lease/sdk";
import { createTestHost, ScriptedModel, type ScriptedReply } from "@goal-lease/sdk/testing";

const report = (status: "continue" | "done", note: string): ScriptedReply => ({
  toolCalls: [{ name: "goal_status", input: { status, note } }],
});
// A turn that ends with words continues the goal; the report stops it.
const model = new ScriptedModel([{ text: "Drafted the notes." }, report("done", "shipped")]);
const { host, store, settle, dispose } = await createTestHost({
  model,
  store: new MemoryStore(),
  plugins: [createGoalPlugin()],
});
await host.openSession({ sessionKey: "s1" });
await host.send({
  sessionKey: "s1",
  text: "/goal start ship it --max-turns 3",
  sender: { id: "me", isOwner: true },
});
await settle();
const goal: Goal | undefined = await readStoredGoal(store, "s1");
await dispose();
console.log(JSON.stringify({ status: goal?.status, continuations: goal?.continuations }));
