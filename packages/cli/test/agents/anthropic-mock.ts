// A scripted Anthropic Messages API (streamed as SSE) for Claude Code, attributing requests to sessions.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One model request as the mock saw it. */
export interface SeenRequest {
  session: string;
  kind: "continuation" | "tool-result" | "user";
  /** Which goal continuation this is (from its "Goal continuation N of M" text), or 0. */
  continuation: number;
  /** Everything after the last assistant message, as text. */
  turnText: string;
  /** The system prompt's text. */
  system: string;
  tools: string[];
  /** The request body's size, and when it arrived and its answer ended (ms since the epoch). */
  bytes: number;
  receivedAt: number;
  answeredAt?: number;
  toolResult?: string;
}

export type Reply =
  | { text: string }
  | { tool: string; input: Record<string, unknown> }
  /** An HTTP error the provider answers with, such as a 429 for a usage limit. */
  | { error: { status: number; headers?: Record<string, string>; body: object } };
/** The reply to a request; a promise holds the model's answer back, as a slow model would. */
export type Script = (request: SeenRequest) => Reply | Promise<Reply>;

interface Block {
  type: string;
  text?: string;
  content?: unknown;
}
interface Message {
  role: string;
  content: string | Block[];
}

const textOf = (content: unknown): string =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content
          .map((block: Block) => (block.type === "tool_result" ? textOf(block.content) : (block.text ?? "")))
          .join("\n")
      : "";

function read(
  body: { messages?: Message[]; tools?: { name: string }[]; system?: unknown },
  session: string,
): Omit<SeenRequest, "bytes" | "receivedAt"> {
  const messages = body.messages ?? [];
  const tail = messages.slice(messages.findLastIndex((message) => message.role === "assistant") + 1);
  const toolResult = tail
    .flatMap((message) => (Array.isArray(message.content) ? message.content : []))
    .find((block) => block.type === "tool_result");
  const turnText = tail.map((message) => textOf(message.content)).join("\n");
  const continuation = Number(/Goal continuation (\d+) of/.exec(turnText)?.[1] ?? 0);
  return {
    session,
    kind: toolResult ? "tool-result" : continuation > 0 ? "continuation" : "user",
    continuation,
    turnText,
    system: textOf(body.system),
    tools: (body.tools ?? []).map((tool) => tool.name),
    toolResult: toolResult ? textOf(toolResult.content) : undefined,
  };
}

/** Starts the mock on a free loopback port; `requests` keeps every request it answered. */
export async function startAnthropicMock(script: Script) {
  const requests: SeenRequest[] = [];
  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += chunk;
    });
    request.on("end", () => {
      if (request.method !== "POST" || request.url?.split("?")[0] !== "/v1/messages") {
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
        return;
      }
      const body = JSON.parse(raw);
      const session = String(request.headers["x-claude-code-session-id"] ?? "?");
      const seen: SeenRequest = {
        ...read(body, session),
        bytes: Buffer.byteLength(raw),
        receivedAt: Date.now(),
      };
      requests.push(seen);
      const n = requests.length;
      void Promise.resolve(script(seen)).then((reply) => {
        if ("error" in reply) {
          const { status, headers, body: error } = reply.error;
          response
            .writeHead(status, { "content-type": "application/json", ...headers })
            .end(JSON.stringify(error));
        } else {
          stream(response, body.model, n, reply);
        }
        seen.answeredAt = Date.now();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    of: (session: string) => requests.filter((seen) => seen.session === session),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function stream(
  response: ServerResponse,
  model: string,
  n: number,
  reply: Exclude<Reply, { error: unknown }>,
) {
  const event = (type: string, data: object) =>
    response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  response.writeHead(200, { "content-type": "text/event-stream" });
  const usage = { input_tokens: 10, output_tokens: 1 };
  event("message_start", {
    message: {
      id: `msg_${n}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      usage,
    },
  });
  if ("tool" in reply) {
    event("content_block_start", {
      index: 0,
      content_block: { type: "tool_use", id: `toolu_${n}`, name: reply.tool, input: {} },
    });
    event("content_block_delta", {
      index: 0,
      delta: { type: "input_json_delta", partial_json: JSON.stringify(reply.input) },
    });
  } else {
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    event("content_block_delta", { index: 0, delta: { type: "text_delta", text: reply.text } });
  }
  event("content_block_stop", { index: 0 });
  const stopReason = "tool" in reply ? "tool_use" : "end_turn";
  event("message_delta", {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: 5 },
  });
  event("message_stop", {});
  response.end();
}
