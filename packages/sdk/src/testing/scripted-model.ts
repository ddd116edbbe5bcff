import { ModelUsageLimitError } from "../errors.js";
import type { Model, ModelRequest, ModelResponse, ModelUsage } from "../model.js";

/** One scripted reply: text and tool calls; usage defaults to 10 input and 5 output tokens. */
export interface ScriptedReply {
  text?: string;
  toolCalls?: { name: string; input: unknown; id?: string }[];
  usage?: Partial<ModelUsage>;
}

/**
 * One step of the script: a reply, a function of the request, a thrown error, a provider's usage limit (with
 * the retry time it gave, if any), or a call that never answers.
 */
export type ScriptedStep =
  | ScriptedReply
  | ((request: ModelRequest) => ScriptedReply | Promise<ScriptedReply>)
  | { error: string }
  | { usageLimit: { retryAfterMs?: number; message?: string } }
  | { hang: true };

const defaultUsage: ModelUsage = { inputTokens: 10, outputTokens: 5 };

/** Thrown by {@link ScriptedModel.verify} when the script and the calls did not match. */
export class ScriptedModelError extends Error {
  override readonly name = "ScriptedModelError";
}

/**
 * A model that plays a script, one step per call. It fails loudly: a call with no step left is recorded and
 * makes {@link ScriptedModel.verify} throw, and so do steps left unconsumed. Like a provider, it counts a
 * request's input tokens before the call (the next reply's, as scripted) and stops its output at the
 * request's `maxOutputTokens`: the text is cut, the tool calls are dropped and the reply is `truncated`.
 */
export class ScriptedModel implements Model {
  readonly id: string;
  /** Every request the model received, in order. */
  readonly requests: ModelRequest[] = [];
  readonly #steps: ScriptedStep[];
  readonly #violations: string[] = [];
  #calls = 0;

  constructor(steps: readonly ScriptedStep[] = [], options: { id?: string } = {}) {
    this.#steps = [...steps];
    this.id = options.id ?? "scripted";
  }

  /** Appends steps to the script. */
  push(...steps: ScriptedStep[]): this {
    this.#steps.push(...steps);
    return this;
  }

  /** Steps not yet played. */
  get remaining(): number {
    return this.#steps.length;
  }

  async generate(request: ModelRequest, options: { signal: AbortSignal }): Promise<ModelResponse> {
    this.#calls++;
    this.requests.push(request);
    const step = this.#steps.shift();
    if (step === undefined) {
      const last = request.messages.at(-1);
      const violation = `unexpected model call #${this.#calls}: the script is empty (last message: ${JSON.stringify(last)?.slice(0, 200)})`;
      this.#violations.push(violation);
      throw new ScriptedModelError(violation);
    }
    if (typeof step === "function") return toResponse(await step(request), this.#calls, request);
    if ("error" in step) throw new Error(step.error);
    if ("usageLimit" in step) {
      const { retryAfterMs, message = "429 rate limit exceeded" } = step.usageLimit;
      throw new ModelUsageLimitError({ message, retryAfterMs });
    }
    if ("hang" in step) {
      return new Promise((_resolve, reject) => {
        options.signal.addEventListener("abort", () => reject(options.signal.reason), { once: true });
      });
    }
    return toResponse(step, this.#calls, request);
  }

  /** The input tokens the next step will report (the default for a step that is a function). */
  countInputTokens(_request: ModelRequest): number {
    const next = this.#steps[0];
    const scripted = typeof next === "object" && "usage" in next ? next.usage?.inputTokens : undefined;
    return scripted ?? defaultUsage.inputTokens;
  }

  /** Throws if any call found the script empty or any step was never played. */
  verify(): void {
    const problems = [...this.#violations];
    if (this.#steps.length > 0) problems.push(`${this.#steps.length} scripted step(s) were never played`);
    if (problems.length > 0) throw new ScriptedModelError(`Scripted model: ${problems.join("; ")}`);
  }
}

function toResponse(reply: ScriptedReply, call: number, request: ModelRequest): ModelResponse {
  const cached = reply.usage?.cachedInputTokens;
  const usage: ModelUsage = {
    inputTokens: reply.usage?.inputTokens ?? defaultUsage.inputTokens,
    outputTokens: reply.usage?.outputTokens ?? defaultUsage.outputTokens,
    ...(cached === undefined ? {} : { cachedInputTokens: cached }),
  };
  const text = reply.text ?? "";
  const cap = request.maxOutputTokens;
  if (cap !== undefined && usage.outputTokens > cap) {
    const kept = Math.floor((text.length * cap) / usage.outputTokens);
    return {
      text: text.slice(0, kept),
      toolCalls: [],
      usage: { ...usage, outputTokens: cap },
      truncated: true,
    };
  }
  return {
    text,
    toolCalls: (reply.toolCalls ?? []).map((toolCall, index) => ({
      id: toolCall.id ?? `call_${call}_${index}`,
      name: toolCall.name,
      input: toolCall.input,
    })),
    usage,
  };
}
