import type { Clock } from "../../clock.js";
import { ModelUsageLimitError } from "../../errors.js";
import type { Model, ModelRequest, ModelResponse, ModelToolCall } from "../../model.js";
import type { TurnOutcome } from "../../plugin.js";

/** Why a model call failed: it threw, the provider refused it for a usage limit, or it ran past the timeout. */
export class ModelCallFailure {
  constructor(
    readonly kind: "model_error" | "model_timeout" | "usage_limited",
    readonly message: string,
    readonly retryAfterMs?: number,
  ) {}

  /** How the turn ends because of it. */
  outcome(): TurnOutcome {
    const { kind, message, retryAfterMs } = this;
    if (kind !== "usage_limited") return { status: "error", kind, message };
    return retryAfterMs === undefined
      ? { status: "error", kind, message }
      : { status: "error", kind, message, retryAfterMs };
  }
}

/**
 * Calls the model with a timeout on the host's clock. The race, not only the abort signal, ends the call,
 * so a model that ignores its signal still cannot hold the session.
 */
export async function callModel(
  model: Model,
  request: ModelRequest,
  options: { clock: Clock; timeoutMs: number },
): Promise<ModelResponse | ModelCallFailure> {
  const controller = new AbortController();
  let timer: object | undefined;
  const timeout = new Promise<ModelCallFailure>((resolve) => {
    timer = options.clock.setTimeout(() => {
      const failure = new ModelCallFailure(
        "model_timeout",
        `Model ${model.id} timed out after ${options.timeoutMs} ms.`,
      );
      controller.abort(failure);
      resolve(failure);
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([
      // Through a resolved promise, so an adapter that throws instead of rejecting is caught the same way.
      Promise.resolve()
        .then(() => model.generate(request, { signal: controller.signal }))
        .then(checkResponse, (error: unknown) => failureOf(model, error)),
      timeout,
    ]);
  } finally {
    if (timer) options.clock.clearTimeout(timer);
  }
}

/**
 * The response read once into plain data, or a failure when it is malformed. A custom model's response may
 * be anything (getters that throw or change, a Proxy): what the turn uses is this copy.
 */
function checkResponse(response: ModelResponse): ModelResponse | ModelCallFailure {
  try {
    const { text, toolCalls, usage, truncated } = response;
    const calls = Array.isArray(toolCalls)
      ? toolCalls.map((call) => ({ id: call?.id, name: call?.name, input: call?.input }))
      : undefined;
    const inputTokens = usage?.inputTokens;
    const outputTokens = usage?.outputTokens;
    const cachedInputTokens = usage?.cachedInputTokens;
    const valid =
      typeof text === "string" &&
      calls?.every(
        ({ id, name }) => typeof id === "string" && typeof name === "string" && name.length <= 200,
      ) === true &&
      Number.isFinite(inputTokens) &&
      Number.isFinite(outputTokens);
    if (valid) {
      const plain: ModelResponse = {
        text,
        toolCalls: calls as ModelToolCall[],
        usage: { inputTokens, outputTokens },
      };
      // A cache count that makes no sense is left out: the tokens are then priced as uncached, the dearer way.
      if (
        typeof cachedInputTokens === "number" &&
        cachedInputTokens >= 0 &&
        cachedInputTokens <= inputTokens
      ) {
        plain.usage.cachedInputTokens = cachedInputTokens;
      }
      return truncated === true ? { ...plain, truncated } : plain;
    }
  } catch {
    // A getter that throws is as malformed as a missing field.
  }
  return new ModelCallFailure("model_error", "Model returned a malformed response.");
}

function failureOf(model: Model, error: unknown): ModelCallFailure {
  const message = `Model ${model.id} failed: ${describe(error)}`;
  if (!(error instanceof ModelUsageLimitError)) return new ModelCallFailure("model_error", message);
  const { retryAfterMs } = error;
  // A provider's hint is bounded by the longest a continuation may wait: a week.
  const valid = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0;
  return new ModelCallFailure(
    "usage_limited",
    message,
    valid ? Math.min(Math.ceil(retryAfterMs), maxRetryAfterMs) : undefined,
  );
}

const maxRetryAfterMs = 7 * 24 * 60 * 60 * 1_000;

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n", 1)[0]?.slice(0, 300) || "unknown error";
}
