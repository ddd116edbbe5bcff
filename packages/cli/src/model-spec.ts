import { GoalLeaseError, type Model } from "@goal-lease/sdk";
import { createDemoModel } from "./demo-model.js";

/** Where a real provider is reached; flags win over the environment. */
export interface ModelConnection {
  baseUrl?: string;
  apiKey?: string;
  env: NodeJS.ProcessEnv;
  demoDelayMs?: number;
  /** How long one request may take before the provider's SDK tries again or gives up. */
  timeoutMs?: number;
}

/**
 * Turns a `--model` spec into a model: `demo`, `openai:<model>` (any OpenAI-compatible endpoint) or
 * `anthropic:<model>`. Provider SDKs load only when asked for.
 */
export async function resolveModel(spec: string, connection: ModelConnection): Promise<Model> {
  const [provider = "", ...rest] = spec.split(":");
  const name = rest.join(":");
  if (spec === "demo") return createDemoModel({ delayMs: connection.demoDelayMs });
  if ((provider === "openai" || provider === "anthropic") && name !== "") {
    const options = {
      model: name,
      apiKey: connection.apiKey,
      baseURL: connection.baseUrl,
      env: connection.env,
      timeoutMs: connection.timeoutMs,
    };
    try {
      if (provider === "openai") return (await import("@goal-lease/sdk/openai")).createOpenAIModel(options);
      return (await import("@goal-lease/sdk/anthropic")).createAnthropicModel(options);
    } catch (error) {
      throw inFlags(error);
    }
  }
  throw new GoalLeaseError({
    code: "unknown_model",
    message: `Unknown model "${spec}"; use demo, openai:<model> (e.g. openai:gpt-4o-mini) or anthropic:<model>.`,
  });
}

/** The SDK names its options (`apiKey`, `baseURL`); a person at a shell types flags. */
function inFlags(error: unknown): unknown {
  if (!(error instanceof GoalLeaseError)) return error;
  const message = error.message.replace(/\bapiKey\b/g, "--api-key").replace(/\bbaseURL\b/g, "--base-url");
  return new GoalLeaseError({ code: error.code, message, cause: error });
}
