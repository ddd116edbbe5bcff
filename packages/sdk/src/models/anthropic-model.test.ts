import { afterEach, describe, expect, it } from "vitest";
import { AdapterHarness } from "../../test/adapter-harness.js";
import { closedPortOrigin, type ServerReply } from "../../test/provider-server.js";
import { GoalLeaseError } from "../errors.js";
import { createAnthropicModel } from "./anthropic-model.js";

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

function message(content: unknown[], usage: Usage = { input_tokens: 10, output_tokens: 5 }): ServerReply {
  return {
    json: {
      id: "msg_01Test",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5",
      content,
      stop_reason: content.some((block) => (block as { type: string }).type === "tool_use")
        ? "tool_use"
        : "end_turn",
      stop_sequence: null,
      usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage },
    },
  };
}

const text = (value: string) => ({ type: "text", text: value });
const addUse = (input: unknown) => ({ type: "tool_use", id: "toolu_01Add", name: "add", input });

function errorReply(status: number, type: string, detail: string): ServerReply {
  return { status, json: { type: "error", error: { type, message: detail }, request_id: "req_01Test" } };
}

const harness = new AdapterHarness();
afterEach(() => harness.dispose());

const localModel = (
  origin: string,
  options: { timeoutMs?: number; maxTokens?: number; maxRetries?: number } = {},
) =>
  createAnthropicModel({
    model: "claude-haiku-4-5",
    apiKey: "sk-ant-test",
    baseURL: origin,
    env: {},
    // Failures are asserted one request at a time; the retry test asks for the SDK's retries.
    maxRetries: 0,
    ...options,
  });

describe("createAnthropicModel through the official SDK", () => {
  it("runs a tool call round trip through the production host", async () => {
    const { origin, requests } = await harness.serve([
      message([text("Let me add."), addUse({ a: 2, b: 3 })]),
      message([text("2 + 3 = 5")]),
    ]);
    const model = localModel(origin);
    const turn = await harness.userTurn(model);

    expect(model.id).toBe("anthropic:claude-haiku-4-5");
    expect(turn.outcome).toEqual({ status: "completed" });
    expect(turn.text).toBe("2 + 3 = 5");
    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(first).toMatchObject({ method: "POST", path: "/v1/messages" });
    // The SDK sends the API key as a bearer token, and a dated API version.
    expect(first?.headers).toMatchObject({
      authorization: "Bearer sk-ant-test",
      "anthropic-version": expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(first?.body).toMatchObject({
      model: "claude-haiku-4-5",
      max_tokens: 4096,
      system: expect.stringContaining("helpful assistant"),
      messages: [{ role: "user", content: [{ type: "text", text: "What is 2 + 3?" }] }],
      tools: [
        {
          name: "add",
          description: "Adds two numbers.",
          input_schema: {
            type: "object",
            properties: { a: { type: "number" }, b: { type: "number" } },
            required: ["a", "b"],
          },
        },
      ],
    });
    expect(first?.body).not.toHaveProperty("stream", true);
    expect(second?.body).toMatchObject({
      messages: [
        { role: "user", content: [{ type: "text", text: "What is 2 + 3?" }] },
        { role: "assistant", content: [text("Let me add."), addUse({ a: 2, b: 3 })] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01Add", content: "5" }] },
      ],
    });
  });

  it("sums the usage the endpoint reports, cached prompt tokens included, over every call", async () => {
    const { origin } = await harness.serve([
      message([addUse({ a: 1, b: 1 })], { input_tokens: 120, output_tokens: 30 }),
      message([text("2")], {
        input_tokens: 40,
        output_tokens: 12,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 21,
      }),
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.usage).toMatchObject({ inputTokens: 281, outputTokens: 42, modelCalls: 2 });
  });

  it("sends input that is not an object back as a tool error and completes the turn", async () => {
    const { origin, requests } = await harness.serve([
      message([addUse('{"a": 2, "b":')]),
      message([text("Sorry.")]),
    ]);
    const turn = await harness.userTurn(localModel(origin));

    expect(turn.outcome).toEqual({ status: "completed" });
    expect(turn.text).toBe("Sorry.");
    expect(requests[1]?.body).toMatchObject({
      messages: [
        { role: "user" },
        { role: "assistant", content: [addUse({})] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_01Add",
              is_error: true,
              content: expect.stringMatching(/^Invalid input for add/),
            },
          ],
        },
      ],
    });
  });

  it("marks continuation input and merges turns the Messages API wants merged", async () => {
    const { origin, requests } = await harness.serve([message([text("ok")])]);
    const model = localModel(origin, { maxTokens: 256 });
    const response = await model.generate(
      {
        system: "",
        messages: [
          { role: "user", origin: "user", content: "start" },
          {
            role: "assistant",
            content: "",
            toolCalls: [{ id: "toolu_1", name: "add", input: { a: 1, b: 2 } }],
          },
          { role: "tool", toolCallId: "toolu_1", toolName: "add", content: "3", isError: false },
          { role: "user", origin: "continuation", content: "keep going" },
          { role: "assistant", content: "", toolCalls: [] },
          { role: "user", origin: "user", content: "and then?" },
        ],
        tools: [],
      },
      { signal: new AbortController().signal },
    );

    expect(response).toEqual({ text: "ok", toolCalls: [], usage: { inputTokens: 10, outputTokens: 5 } });
    expect(requests[0]?.body).toEqual({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      messages: [
        { role: "user", content: [text("start")] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "add", input: { a: 1, b: 2 } }],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "3" },
            text("[continuation requested by a plugin, not typed by the user]\nkeep going"),
            text("and then?"),
          ],
        },
      ],
    });
  });

  it.each([
    [401, errorReply(401, "authentication_error", "invalid x-api-key")],
    [529, errorReply(529, "overloaded_error", "Overloaded")],
  ])("ends the turn with a one-line model_error on HTTP %i, without retrying", async (status, reply) => {
    const { origin, requests } = await harness.serve([reply]);
    const turn = await harness.userTurn(localModel(origin));
    const detail = (reply as { json: { error: { message: string } } }).json.error.message;

    expect(turn.outcome).toEqual({
      status: "error",
      kind: "model_error",
      message: `Model anthropic:claude-haiku-4-5 failed: Anthropic-compatible endpoint ${origin} returned ${status}: ${detail}`,
    });
    expect(requests).toHaveLength(1);
  });

  it("tries again, as the SDK does, when the API answers 529 overloaded, and completes the turn", async () => {
    const { origin, requests } = await harness.serve([
      errorReply(529, "overloaded_error", "Overloaded"),
      message([text("back")]),
    ]);
    const turn = await harness.userTurn(localModel(origin, { maxRetries: 2 }));
    expect(turn).toMatchObject({ outcome: { status: "completed" }, text: "back" });
    expect(requests).toHaveLength(2);
  });

  it("ends the turn as usage_limited with the retry time of a 429's retry-after", async () => {
    const { origin } = await harness.serve([
      {
        ...errorReply(429, "rate_limit_error", "This request would exceed your rate limit."),
        headers: { "retry-after": "45" },
      },
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "usage_limited",
      retryAfterMs: 45_000,
      message: expect.stringContaining("(429, retry in 45 s): This request would exceed your rate limit."),
    });
  });

  it("reads the latest rate-limit reset when a 429 has no retry-after", async () => {
    const now = Date.now();
    const { origin } = await harness.serve([
      {
        ...errorReply(429, "rate_limit_error", "Output tokens per minute exceeded."),
        headers: {
          "anthropic-ratelimit-requests-reset": new Date(now + 10_000).toISOString(),
          "anthropic-ratelimit-output-tokens-reset": new Date(now + 300_000).toISOString(),
        },
      },
    ]);
    const turn = await harness.userTurn(localModel(origin));
    const outcome = turn.outcome as { retryAfterMs?: number };
    expect(outcome).toMatchObject({ kind: "usage_limited" });
    expect(outcome.retryAfterMs).toBeGreaterThan(250_000);
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(300_000);
  });

  it("reads a spent credit balance as a usage limit with no retry time", async () => {
    const { origin } = await harness.serve([
      errorReply(
        400,
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
      ),
    ]);
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "usage_limited",
      message: expect.stringContaining("(400, it gave no retry time): Your credit balance is too low"),
    });
  });

  it("caps max_tokens at the call's ceiling and reads stop_reason max_tokens as cut short", async () => {
    const cut = message([text("cut")]) as { json: Record<string, unknown> };
    const { origin, requests } = await harness.serve([{ json: { ...cut.json, stop_reason: "max_tokens" } }]);
    const model = localModel(origin);
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

  it("ends the turn with model_error when the endpoint is unreachable", async () => {
    const origin = await closedPortOrigin();
    const turn = await harness.userTurn(localModel(origin));
    expect(turn.outcome).toEqual({
      status: "error",
      kind: "model_error",
      message: `Model anthropic:claude-haiku-4-5 failed: Anthropic-compatible endpoint ${origin} is unreachable (ECONNREFUSED)`,
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
      message: `Model anthropic:claude-haiku-4-5 failed: Anthropic-compatible endpoint ${origin} did not answer within 200 ms`,
    });
    await abandoned;
  });

  it("reads the key and base URL from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL", async () => {
    const { origin, requests } = await harness.serve([message([text("hi")])]);
    const model = createAnthropicModel({
      model: "claude-haiku-4-5",
      env: { ANTHROPIC_API_KEY: "sk-ant-from-env", ANTHROPIC_BASE_URL: origin },
    });
    await model.generate(
      { system: "be brief", messages: [{ role: "user", origin: "user", content: "hi" }], tools: [] },
      { signal: new AbortController().signal },
    );
    expect(requests[0]).toMatchObject({ path: "/v1/messages", body: { system: "be brief" } });
    expect(requests[0]?.headers.authorization).toBe("Bearer sk-ant-from-env");
  });

  it("refuses to start without a key, in one line", () => {
    let thrown: unknown;
    try {
      createAnthropicModel({ model: "claude-haiku-4-5", env: {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GoalLeaseError);
    expect(thrown).toMatchObject({
      code: "missing_api_key",
      message: expect.stringContaining("ANTHROPIC_API_KEY"),
    });
    expect((thrown as Error).message).not.toContain("\n");
  });

  it("refuses a base URL that is not a URL before any request, in one line", () => {
    expect(() =>
      createAnthropicModel({
        model: "claude-haiku-4-5",
        apiKey: "sk-ant-test",
        env: { ANTHROPIC_BASE_URL: "localhost port 8080" },
      }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_base_url",
        message: expect.stringContaining("ANTHROPIC_BASE_URL"),
      }),
    );
  });
});
