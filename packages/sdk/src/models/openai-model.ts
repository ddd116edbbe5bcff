// Its declarations use Node.js types (environment, AbortSignal): @types/node is a dependency.
/// <reference types="node" preserve="true" />
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAI } from "openai";
import { GoalLeaseError } from "../errors.js";
import { defaultHostLimits } from "../host/host-options.js";
import type { Model, ModelRequest, ModelResponse } from "../model.js";
import { fromOpenAICompletion, toOpenAIMessages, toOpenAITools } from "./openai-messages.js";
import { describeEndpoint } from "./provider-endpoint.js";
import { type ProviderFailure, providerError, statusDetail } from "./provider-error.js";
import { retryAfterMs } from "./retry-after.js";
import { sdkLogLevel } from "./sdk-log-level.js";

const openAIBaseURL = "https://api.openai.com/v1";
// Local OpenAI-compatible servers ignore the key, but the SDK refuses to start without one.
const placeholderKey = "no-api-key";

/** Options of {@link createOpenAIModel}. */
export interface OpenAIModelOptions {
  /** The model name the endpoint knows, e.g. `gpt-4o-mini` or an Ollama tag such as `llama3.2`. */
  model: string;
  /** Defaults to `OPENAI_API_KEY`; optional when the base URL points at a local server. */
  apiKey?: string;
  /** Defaults to `OPENAI_BASE_URL`, then the OpenAI API; set it for Ollama, vLLM or LM Studio. */
  baseURL?: string;
  /** How long one HTTP request may take before the SDK gives up; the host's model timeout by default. */
  timeoutMs?: number;
  /**
   * Tries again what the provider's SDK retries (a rate limit, a 5xx, a dropped connection), with its
   * backoff and the provider's Retry-After; 2 by default, 0 to fail at once.
   */
  maxRetries?: number;
  /** Output token cap for one call; the endpoint's own default unless set. */
  maxTokens?: number;
  /** Where the variables are read; `process.env` unless set. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A {@link Model} on the Chat Completions API through the official `openai` SDK, with native function tools.
 * Works with OpenAI and with OpenAI-compatible servers (Ollama, vLLM, LM Studio). Throws a
 * {@link GoalLeaseError} with code `missing_api_key` when there is neither a key nor a custom base URL.
 */
export function createOpenAIModel(options: OpenAIModelOptions): Model {
  const env = options.env ?? process.env;
  const customBaseURL = options.baseURL || env.OPENAI_BASE_URL || undefined;
  const apiKey = options.apiKey || env.OPENAI_API_KEY || (customBaseURL ? placeholderKey : undefined);
  if (!apiKey) {
    throw new GoalLeaseError({
      code: "missing_api_key",
      message:
        "OPENAI_API_KEY is not set: export OPENAI_API_KEY=sk-... (or pass apiKey), or set OPENAI_BASE_URL to a local OpenAI-compatible server.",
    });
  }
  const baseURL = customBaseURL ?? openAIBaseURL;
  const timeoutMs = options.timeoutMs ?? defaultHostLimits.modelTimeoutMs;
  const endpoint = describeEndpoint({
    name: customBaseURL ? "OpenAI-compatible endpoint" : "OpenAI API",
    baseURL,
    variable: "OPENAI_BASE_URL",
    example: "http://localhost:11434/v1",
  });
  // Every setting the SDK would read from process.env is passed, so `env` alone decides.
  const client = new OpenAI({
    apiKey,
    baseURL,
    organization: env.OPENAI_ORG_ID ?? null,
    project: env.OPENAI_PROJECT_ID ?? null,
    adminAPIKey: null,
    webhookSecret: null,
    timeout: timeoutMs,
    maxRetries: options.maxRetries ?? 2,
    logLevel: sdkLogLevel(env.OPENAI_LOG),
  });
  // OpenAI's newer models refuse `max_tokens`; most compatible servers only know it.
  const tokenLimit = (request: ModelRequest) => {
    const cap = lowest(options.maxTokens, request.maxOutputTokens);
    if (cap === undefined) return {};
    return customBaseURL ? { max_tokens: cap } : { max_completion_tokens: cap };
  };

  return {
    id: `openai:${options.model}`,
    async generate(request: ModelRequest, { signal }: { signal: AbortSignal }): Promise<ModelResponse> {
      let completion: OpenAI.ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          {
            model: options.model,
            messages: toOpenAIMessages(request),
            ...(request.tools.length > 0 ? { tools: toOpenAITools(request.tools) } : {}),
            ...tokenLimit(request),
          },
          { signal },
        );
      } catch (error) {
        throw providerError(endpoint, classify(error), timeoutMs);
      }
      const response = fromOpenAICompletion(completion);
      if (!response) {
        throw new GoalLeaseError({
          code: "model_bad_response",
          message: `${endpoint} returned a chat completion without choices`,
        });
      }
      return response;
    },
  };
}

const rateLimitResets = ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"];

function lowest(...caps: (number | undefined)[]): number | undefined {
  const given = caps.filter((cap): cap is number => cap !== undefined);
  return given.length > 0 ? Math.min(...given) : undefined;
}

function classify(error: unknown): ProviderFailure {
  // Subclasses first: an abort and a timeout are also API and connection errors to the SDK.
  if (error instanceof APIUserAbortError) return { kind: "aborted", cause: error };
  if (error instanceof APIConnectionTimeoutError) return { kind: "timeout", cause: error };
  if (error instanceof APIConnectionError) return { kind: "unreachable", cause: error };
  if (error instanceof APIError && typeof error.status === "number") {
    const body = error.error as { message?: unknown; code?: unknown } | undefined;
    if (error.status === 429) {
      // A spent quota has no reset time: the rate-limit headers describe the rate, not the quota.
      const quota = body?.code === "insufficient_quota";
      return {
        kind: "usage_limit",
        status: 429,
        detail: statusDetail(error, 429, body?.message),
        retryAfterMs: quota ? undefined : retryAfterMs(error.headers, Date.now(), rateLimitResets),
        cause: error,
      };
    }
    return {
      kind: "status",
      status: error.status,
      detail: statusDetail(error, error.status, body?.message),
      cause: error,
    };
  }
  return { kind: "other", cause: error };
}
