import type { Clock } from "../../clock.js";
import type { Model, ModelRequest, ModelResponse } from "../../model.js";

/** Why a model call failed: it threw, or it ran past the host's timeout. */
export class ModelCallFailure {
  constructor(
    readonly kind: "model_error" | "model_timeout",
    readonly message: string,
  ) {}
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
        .then(checkResponse, (error: unknown) => {
          return new ModelCallFailure("model_error", `Model ${model.id} failed: ${describe(error)}`);
        }),
      timeout,
    ]);
  } finally {
    if (timer) options.clock.clearTimeout(timer);
  }
}

function checkResponse(response: ModelResponse): ModelResponse | ModelCallFailure {
  const valid =
    typeof response?.text === "string" &&
    Array.isArray(response.toolCalls) &&
    response.toolCalls.every(
      (call) => typeof call?.id === "string" && typeof call.name === "string" && call.name.length <= 200,
    ) &&
    Number.isFinite(response.usage?.inputTokens) &&
    Number.isFinite(response.usage?.outputTokens);
  return valid ? response : new ModelCallFailure("model_error", "Model returned a malformed response.");
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n", 1)[0]?.slice(0, 300) || "unknown error";
}
