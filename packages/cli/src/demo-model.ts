import type { Model, ModelRequest, ModelResponse } from "@goal-lease/sdk";

/** The steps the demo model "works" through before it reports done. */
const plan = [
  "Read the objective and split it into three parts.",
  "Finished the first part.",
  "Finished the second part.",
  "Finished the third part and checked it against the objective.",
];

/**
 * The embedded demo model: a scripted stand-in with no AI behind it, so goal-lease runs with no API key.
 * In a goal continuation it does one step of a fixed plan per turn and ends the turn saying so, then reports
 * `done`; otherwise it says what it is. `delayMs` paces it so a person can watch.
 */
export function createDemoModel(options: { delayMs?: number } = {}): Model {
  const delayMs = options.delayMs ?? 0;
  return {
    id: "demo (scripted, no AI)",
    // It charges what it counts, as a provider's own token count would.
    countInputTokens: estimateTokens,
    async generate(request: ModelRequest, { signal }): Promise<ModelResponse> {
      if (delayMs > 0) await pause(delayMs, signal);
      const last = request.messages.at(-1);
      const usage = { inputTokens: estimateTokens(request), outputTokens: 40 };
      if (last?.role === "tool") return { text: "", toolCalls: [], usage };
      if (last?.role !== "user" || last.origin !== "continuation") {
        return {
          text: "[demo model] I am a scripted stand-in with no AI behind it. Try /goal start <objective>, or pass --model openai:<name> or anthropic:<name>.",
          toolCalls: [],
          usage,
        };
      }
      const step = Number(/continuation (\d+) of/.exec(last.content)?.[1] ?? 1);
      const note = plan[step - 1];
      if (note) return { text: note, toolCalls: [], usage };
      const input = { status: "done", note: "All parts are done." };
      return { text: "", toolCalls: [{ id: `demo-${step}`, name: "goal_status", input }], usage };
    },
  };
}

function estimateTokens(request: ModelRequest): number {
  const characters =
    request.system.length + request.messages.reduce((sum, message) => sum + message.content.length, 0);
  return Math.ceil(characters / 4);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
