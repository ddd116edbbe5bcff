// Its declarations use Node.js types (environment, AbortSignal): @types/node is a dependency.
/// <reference types="node" preserve="true" />
import {
  Anthropic,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { GoalLeaseError } from "../errors.js";
import { defaultHostLimits } from "../host/host-options.js";
import type { Model, ModelRequest, ModelResponse } from "../model.js";
import { fromAnthropicMessage, toAnthropicMessages, toAnthropicTools } from "./anthropic-messages.js";
import { describeEndpoint } from "./provider-endpoint.js";
import { type ProviderFailure, providerError, statusDetail } from "./provider-error.js";
import { retryAfterMs } from "./retry-after.js";
import { sdkLogLevel } from "./sdk-log-level.js";

const anthropicBaseURL = "https://api.anthropic.com";

/** Options of {@link createAnthropicModel}. */
export interface AnthropicModelOptions {
  /** The model name, e.g. `claude-sonnet-4-6`. */
  model: string;
  /** Defaults to `ANTHROPIC_API_KEY`. */
  apiKey?: string;
  /** Defaults to `ANTHROPIC_BASE_URL`, then the Anthropic API. */
  baseURL?: string;
  /** How long one HTTP request may take before the SDK gives up; the host's model timeout by default. */
  timeoutMs?: number;
  /**
   * Tries again what the provider's SDK retries (a rate limit, a 5xx, a dropped connection), with its
   * backoff and the provider's Retry-After; 2 by default, 0 to fail at once.
   */
  maxRetries?: number;
  /** Output token cap for one call; 4096 unless set. */
  maxTokens?: number;
  /** Where the variables are read; `process.env` unless set. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A {@link Model} on the Messages API through the official `@anthropic-ai/sdk`, with native `tool_use` and
 * `tool_result` blocks. Throws a {@link GoalLeaseError} with code `missing_api_key` when there is no key.
 */
export function createAnthropicModel(options: AnthropicModelOptions): Model {
  const env = options.env ?? process.env;
  const apiKey = options.apiKey || env.ANTHROPIC_API_KEY;
  if (!apiKey) {
    throw new GoalLeaseError({
      code: "missing_api_key",
      message: "ANTHROPIC_API_KEY is not set: export ANTHROPIC_API_KEY=sk-ant-... or pass apiKey.",
    });
  }
  const customBaseURL = options.baseURL || env.ANTHROPIC_BASE_URL || undefined;
  const baseURL = customBaseURL ?? anthropicBaseURL;
  const timeoutMs = options.timeoutMs ?? defaultHostLimits.modelTimeoutMs;
  const maxTokens = options.maxTokens ?? 4096;
  const endpoint = describeEndpoint({
    name: customBaseURL ? "Anthropic-compatible endpoint" : "Anthropic API",
    baseURL,
    variable: "ANTHROPIC_BASE_URL",
    example: anthropicBaseURL,
  });
  // The key and base URL are passed, so the SDK neither reads process.env for them nor looks for profiles on disk.
  const client = new Anthropic({
    apiKey,
    baseURL,
    webhookKey: null,
    // An explicit timeout also keeps the SDK from refusing large `max_tokens` without streaming.
    timeout: timeoutMs,
    maxRetries: options.maxRetries ?? 2,
    logLevel: sdkLogLevel(env.ANTHROPIC_LOG),
  });

  return {
    id: `anthropic:${options.model}`,
    async generate(request: ModelRequest, { signal }: { signal: AbortSignal }): Promise<ModelResponse> {
      let message: Anthropic.Message;
      try {
        message = await client.messages.create(
          {
            model: options.model,
            max_tokens: Math.min(maxTokens, request.maxOutputTokens ?? maxTokens),
            ...(request.system !== "" ? { system: request.system } : {}),
            messages: toAnthropicMessages(request.messages),
            ...(request.tools.length > 0 ? { tools: toAnthropicTools(request.tools) } : {}),
          },
          { signal },
        );
      } catch (error) {
        throw providerError(endpoint, classify(error), timeoutMs);
      }
      return fromAnthropicMessage(message);
    },
  };
}

const rateLimitResets = [
  "anthropic-ratelimit-requests-reset",
  "anthropic-ratelimit-tokens-reset",
  "anthropic-ratelimit-input-tokens-reset",
  "anthropic-ratelimit-output-tokens-reset",
];

function classify(error: unknown): ProviderFailure {
  // Subclasses first: an abort and a timeout are also API and connection errors to the SDK.
  if (error instanceof APIUserAbortError) return { kind: "aborted", cause: error };
  if (error instanceof APIConnectionTimeoutError) return { kind: "timeout", cause: error };
  if (error instanceof APIConnectionError) return { kind: "unreachable", cause: error };
  if (error instanceof APIError && typeof error.status === "number") {
    const detail = statusDetail(error, error.status, error.apiMessage);
    // A rate limit, or a spent prepaid balance: Anthropic answers the latter with a 400 that says so.
    if (error.status === 429 || (error.status === 400 && /credit balance is too low/i.test(detail))) {
      return {
        kind: "usage_limit",
        status: error.status,
        detail,
        retryAfterMs:
          error.status === 429 ? retryAfterMs(error.headers, Date.now(), rateLimitResets) : undefined,
        cause: error,
      };
    }
    return {
      kind: "status",
      status: error.status,
      detail,
      cause: error,
    };
  }
  return { kind: "other", cause: error };
}
