import { afterEach, describe, expect, it } from "vitest";
import { AdapterHarness } from "../../test/adapter-harness.js";
import { closedPortOrigin, type ServerReply } from "../../test/provider-server.js";
import { GoalLeaseError } from "../errors.js";
import { createOpenAIModel } from "./openai-model.js";

function completion(
  message: { content?: string | null; tool_calls?: unknown[] },
  usage = { prompt_tokens: 10, completion_tokens: 5 },
): ServerReply {
  return {
    json: {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1_767_225_600,
      model: "gpt-4o-mini",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: null, refusal: null, ...message },
          logprobs: null,
          finish_reason: message.tool_calls ? "tool_calls" : "stop",
        },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    },
  };
}

function addCall(argumentsText: string, usage?: { prompt_tokens: number; completion_tokens: number }) {
  return completion(
    {
      tool_calls: [
        { id: "call_add_1", type: "function", function: { name: "add", arguments: argumentsText } },
      ],
    },
    usage,
  );
}

function errorReply(status: number, message: string, type: string, code: string | null): ServerReply {
  return { status, json: { error: { message, type, param: null, code } } };
}

const harness = new AdapterHarness();
afterEach(() => harness.dispose());

const localModel = (
  origin: string,
  options: { timeoutMs?: number; maxTokens?: number; maxRetries?: number } = {},
) =>
  createOpenAIModel({
    model: "gpt-4o-mini",
    apiKey: "sk-test",
    baseURL: `${origin}/v1`,
    env: {},
    // Failures are asserted one request at a time; the retry test asks for the SDK's retries.
    maxRetries: 0,
    ...options,
  });

describe("createOpenAIModel through the official SDK", () => {
  it("runs a tool call round trip through the production host", async () => {
    const { origin, requests } = await harness.serve([
      addCall('{"a":2,"b":3}'),
      completion({ content: "2 + 3 = 5" }),
    ]);
    const model = localModel(origin);
    const turn = await harness.userTurn(model);

    expect(model.id).toBe("openai:gpt-4o-mini");
    expect(turn.outcome).toEqual({ status: "completed" });
    expect(turn.text).toBe("2 + 3 = 5");
    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(first).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer sk-test" },
    });
    expect(first?.body).toMatchObject({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: expect.stringContaining("helpful assistant") },
        { role: "user", content: "What is 2 + 3?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "add",
            description: "Adds two numbers.",
            parameters: {
              type: "object",
              properties: { a: { type: "number" }, b: { type: "number" } },
              required: ["a", "b"],
            },
          },
        },
      ],
    });
    expect(first?.body).not.toHaveProperty("stream", true);
    expect(second?.body).toMatchObject({
      messages: [
        { role: "system" },
        { role: "user", content: "What is 2 + 3?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_add_1", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_add_1", content: "5" },
      ],
    });
  });

  it("sums the usage the endpoint reports over every call of the turn", async () => {
    const { origin } = await harness.serve([
      addCall('{"a":1,"b":1}', { prompt_tokens: 120, completion_tokens: 30 }),
      completion({ content: "2" }, { prompt_tokens: 161, completion_tokens: 12 }),
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.usage).toMatchObject({ inputTokens: 281, outputTokens: 42, modelCalls: 2 });
  });

  it("sends arguments that are not JSON back as a tool error and completes the turn", async () => {
    const { origin, requests } = await harness.serve([
      addCall('{"a": 2, "b":'),
      completion({ content: "Sorry." }),
    ]);
    const turn = await harness.userTurn(localModel(origin));

    expect(turn.outcome).toEqual({ status: "completed" });
    expect(turn.text).toBe("Sorry.");
    expect(requests[1]?.body).toMatchObject({
      messages: [
        { role: "system" },
        { role: "user" },
        { role: "assistant", tool_calls: [{ function: { name: "add", arguments: '{"a": 2, "b":' } }] },
        {
          role: "tool",
          tool_call_id: "call_add_1",
          content: expect.stringMatching(/^Error: Invalid input for add/),
        },
      ],
    });
  });

  it("marks continuation input and sends max_tokens to a compatible endpoint", async () => {
    const { origin, requests } = await harness.serve([completion({ content: "ok" })]);
    const model = localModel(origin, { maxTokens: 256 });
    const response = await model.generate(
      {
        system: "",
        messages: [
          { role: "user", origin: "user", content: "start" },
          { role: "assistant", content: "started", toolCalls: [] },
          { role: "user", origin: "continuation", content: "keep going" },
        ],
        tools: [],
      },
      { signal: new AbortController().signal },
    );

    expect(response).toEqual({ text: "ok", toolCalls: [], usage: { inputTokens: 10, outputTokens: 5 } });
    expect(requests[0]?.body).toEqual({
      model: "gpt-4o-mini",
      max_tokens: 256,
      messages: [
        { role: "user", content: "start" },
        { role: "assistant", content: "started" },
        { role: "user", content: "[continuation requested by a plugin, not typed by the user]\nkeep going" },
      ],
    });
  });

  it.each([
    [
      401,
      errorReply(401, "Incorrect API key provided: sk-test.", "invalid_request_error", "invalid_api_key"),
    ],
    [500, errorReply(500, "The server had an error while processing your request.", "server_error", null)],
  ])("ends the turn with a one-line model_error on HTTP %i, without retrying", async (status, reply) => {
    const { origin, requests } = await harness.serve([reply]);
    const turn = await harness.userTurn(localModel(origin));
    const detail = (reply as { json: { error: { message: string } } }).json.error.message;

    expect(turn.outcome).toEqual({
      status: "error",
      kind: "model_error",
      message: `Model openai:gpt-4o-mini failed: OpenAI-compatible endpoint ${origin}/v1 returned ${status}: ${detail}`,
    });
    expect(requests).toHaveLength(1);
  });

  it("tries again, as the SDK does, when the endpoint answers 503, and completes the turn", async () => {
    const { origin, requests } = await harness.serve([
      errorReply(503, "overloaded", "server_error", null),
      completion({ content: "back" }),
    ]);
    const turn = await harness.userTurn(localModel(origin, { maxRetries: 2 }));
    expect(turn).toMatchObject({ outcome: { status: "completed" }, text: "back" });
    expect(requests).toHaveLength(2);
  });

  it("ends the turn as usage_limited with the retry time of a 429's Retry-After", async () => {
    const { origin } = await harness.serve([
      {
        ...errorReply(
          429,
          "Rate limit reached for gpt-4o-mini on tokens per min.",
          "tokens",
          "rate_limit_exceeded",
        ),
        headers: { "retry-after": "20", "x-ratelimit-reset-tokens": "6m0s" },
      },
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "usage_limited",
      retryAfterMs: 20_000,
      message: expect.stringContaining("refused for a usage limit (429, retry in 20 s): Rate limit reached"),
    });
  });

  it("reads the rate-limit reset headers when a 429 has no Retry-After", async () => {
    const { origin } = await harness.serve([
      {
        ...errorReply(429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
        headers: { "x-ratelimit-reset-requests": "1m30s", "x-ratelimit-reset-tokens": "250ms" },
      },
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toMatchObject({ kind: "usage_limited", retryAfterMs: 90_000 });
  });

  it("gives no retry time for a spent quota, whatever the rate headers say", async () => {
    const { origin } = await harness.serve([
      {
        ...errorReply(
          429,
          "You exceeded your current quota, please check your plan and billing details.",
          "insufficient_quota",
          "insufficient_quota",
        ),
        headers: { "x-ratelimit-reset-requests": "1s" },
      },
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "usage_limited",
      message: expect.stringContaining("(429, it gave no retry time): You exceeded your current quota"),
    });
  });

  it("caps the output at the call's ceiling and reads finish_reason length as cut short", async () => {
    const { origin, requests } = await harness.serve([
      {
        json: {
          ...(completion({ content: "cut" }) as { json: object }).json,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "cut", refusal: null },
              logprobs: null,
              finish_reason: "length",
            },
          ],
        },
      },
    ]);
    const model = localModel(origin, { maxTokens: 500 });
    const request = {
      system: "",
      messages: [{ role: "user" as const, origin: "user" as const, content: "hi" }],
      tools: [],
    };
    const response = await model.generate(
      { ...request, maxOutputTokens: 120 },
      { signal: new AbortController().signal },
    );
    expect(requests[0]?.body).toMatchObject({ max_tokens: 120 });
    expect(response).toMatchObject({ text: "cut", truncated: true });
  });

  it("fails in one line when the endpoint answers without choices", async () => {
    const { origin } = await harness.serve([
      { json: { id: "chatcmpl-test", object: "chat.completion", choices: [] } },
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "model_error",
      message: `Model openai:gpt-4o-mini failed: OpenAI-compatible endpoint ${origin}/v1 returned a chat completion without choices`,
    });
  });

  it("ends the turn with model_error when the endpoint is unreachable", async () => {
    const origin = await closedPortOrigin();
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "model_error",
      message: `Model openai:gpt-4o-mini failed: OpenAI-compatible endpoint ${origin}/v1 is unreachable (ECONNREFUSED)`,
    });
  });

  it("aborts the HTTP request when the host's model timeout fires", async () => {
    const { origin, abandoned } = await harness.serve([{ hang: true }]);
    const result = await harness.realClockTurn(localModel(origin), 300);

    expect(result.kind === "turn" && result.turn.outcome).toMatchObject({
      status: "error",
      kind: "model_timeout",
    });
    await abandoned;
  });

  it("gives up after its own timeoutMs with a one-line error", async () => {
    const { origin, abandoned } = await harness.serve([{ hang: true }]);
    const turn = await harness.userTurn(localModel(origin, { timeoutMs: 200 }));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "model_error",
      message: `Model openai:gpt-4o-mini failed: OpenAI-compatible endpoint ${origin}/v1 did not answer within 200 ms`,
    });
    await abandoned;
  });

  it("reads the base URL from OPENAI_BASE_URL and needs no key for it", async () => {
    const { origin, requests } = await harness.serve([completion({ content: "hi" })]);
    const model = createOpenAIModel({ model: "llama3.2", env: { OPENAI_BASE_URL: `${origin}/v1` } });
    await model.generate(
      { system: "be brief", messages: [{ role: "user", origin: "user", content: "hi" }], tools: [] },
      { signal: new AbortController().signal },
    );
    expect(model.id).toBe("openai:llama3.2");
    expect(requests[0]).toMatchObject({ path: "/v1/chat/completions", body: { model: "llama3.2" } });
    expect(requests[0]?.headers.authorization).toMatch(/^Bearer \S+$/);
  });

  it("reads the key from OPENAI_API_KEY", async () => {
    const { origin, requests } = await harness.serve([completion({ content: "hi" })]);
    const model = createOpenAIModel({
      model: "gpt-4o-mini",
      env: { OPENAI_API_KEY: "sk-from-env", OPENAI_BASE_URL: `${origin}/v1` },
    });
    await model.generate(
      { system: "", messages: [{ role: "user", origin: "user", content: "hi" }], tools: [] },
      { signal: new AbortController().signal },
    );
    expect(requests[0]?.headers.authorization).toBe("Bearer sk-from-env");
  });

  it("refuses to start without a key or a custom base URL, in one line", () => {
    let thrown: unknown;
    try {
      createOpenAIModel({ model: "gpt-4o-mini", env: {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GoalLeaseError);
    expect(thrown).toMatchObject({
      code: "missing_api_key",
      message: expect.stringContaining("OPENAI_API_KEY"),
    });
    expect((thrown as Error).message).not.toContain("\n");
  });

  it("refuses a base URL that is not a URL before any request, in one line", () => {
    expect(() =>
      createOpenAIModel({
        model: "gpt-4o-mini",
        apiKey: "sk-test",
        env: { OPENAI_BASE_URL: "localhost port 8080" },
      }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_base_url",
        message: expect.stringContaining("OPENAI_BASE_URL"),
      }),
    );
  });
});
