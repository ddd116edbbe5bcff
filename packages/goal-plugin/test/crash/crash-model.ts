import type { Model, ModelRequest, ModelResponse } from "@goal-lease/sdk";

const usage = { inputTokens: 10, outputTokens: 5 };

/**
 * A deterministic model for the crash harness: in a goal continuation it reports `continue` with the
 * step number until the objective's "finishes at N" step, then `done`. It takes a few real milliseconds
 * per call so kills, and the user's stops, land in the middle of turns too.
 */
export const crashModel: Model = {
  id: "crash-model",
  async generate(request: ModelRequest): Promise<ModelResponse> {
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.floor(Math.random() * 18)));
    const last = request.messages.at(-1);
    if (last?.role !== "user" || last.origin !== "continuation")
      return { text: "noted", toolCalls: [], usage };
    const step = Number(/continuation (\d+) of/.exec(last.content)?.[1] ?? 0);
    const target = Number(/finishes at (\d+)/.exec(last.content)?.[1] ?? 1);
    const status = step >= target ? "done" : "continue";
    return {
      text: "",
      toolCalls: [
        { id: `call-${step}`, name: "goal_status", input: { status, note: `finished step ${step}` } },
      ],
      usage,
    };
  },
};
