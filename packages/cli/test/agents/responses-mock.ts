// A scripted OpenAI Responses API (POST /v1/responses, streamed as SSE) on loopback, for driving a real
// coding agent offline. Every request is recorded; each reply comes from the script.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The parts of a request's `tools[]` the checks read; MCP tools come grouped as a `namespace` tool. */
export interface ToolSpec {
  type: string;
  name?: string;
  tools?: ToolSpec[];
}

/** One `input[]` item: a message, an echoed `function_call` or a `function_call_output`. */
export interface InputItem {
  type?: string;
  role?: string;
  call_id?: string;
  namespace?: string;
  name?: string;
  arguments?: string;
  output?: unknown;
  content?: unknown;
}

export interface ResponsesBody {
  model?: string;
  input?: InputItem[];
  tools?: ToolSpec[];
}

/**
 * What the model answers: plain text, a call of `name` (inside `namespace`, for MCP tools), or an HTTP error
 * (a 429 for a usage limit, say).
 */
export type Reply =
  | { text: string }
  | { call: { namespace?: string; name: string; arguments: unknown } }
  | { error: { status: number; body: object } };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: ResponsesBody;
  /** The body's size, and when it arrived and its answer ended (ms since the epoch). */
  bytes: number;
  receivedAt: number;
  answeredAt?: number;
  /** The output item sent back (a `message` or a `function_call` with its `call_id`), if any. */
  reply?: Record<string, unknown>;
}

export interface ResponsesMock {
  /** The provider's base URL, ending in `/v1`. */
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the mock; `script` picks the reply to the `index`-th (from 0) POST /v1/responses (a promise holds
 * it back, as a slow model would).
 */
export async function startResponsesMock(
  script: (request: RecordedRequest, index: number) => Reply | Promise<Reply>,
): Promise<ResponsesMock> {
  const requests: RecordedRequest[] = [];
  let answered = 0;
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
    });
    req.on("end", () => {
      const request: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: parseBody(raw),
        bytes: Buffer.byteLength(raw),
        receivedAt: Date.now(),
      };
      requests.push(request);
      if (request.method !== "POST" || !request.url.split("?")[0]?.endsWith("/v1/responses")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ error: { message: `mock: no route for ${request.method} ${request.url}` } }),
        );
        return;
      }
      const index = answered++;
      Promise.resolve()
        .then(() => script(request, index))
        .then(
          (reply) => {
            if ("error" in reply) {
              res.writeHead(reply.error.status, { "content-type": "application/json" });
              res.end(JSON.stringify(reply.error.body));
            } else {
              request.reply = streamReply(res, request.body, reply, index + 1);
            }
            request.answeredAt = Date.now();
          },
          (error: unknown) => {
            res.writeHead(500, { "content-type": "application/json" });
            res.end(JSON.stringify({ error: { message: `mock script: ${String(error)}` } }));
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The text of a `function_call_output`'s `output`: a string, or an array of `input_text` parts. */
export function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) return JSON.stringify(output) ?? "";
  return output
    .map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : ""))
    .join("\n");
}

function parseBody(raw: string): ResponsesBody {
  try {
    const body: unknown = JSON.parse(raw);
    return body && typeof body === "object" ? (body as ResponsesBody) : {};
  } catch {
    return {};
  }
}

/** Sends one response holding one output item as the SSE event sequence Codex reads; returns the item. */
function streamReply(
  res: ServerResponse,
  body: ResponsesBody,
  reply: Exclude<Reply, { error: unknown }>,
  n: number,
): Record<string, unknown> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const response = {
    id: `resp_${n}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    model: body.model ?? "mock-model",
    output: [] as unknown[],
  };
  send("response.created", { response: { ...response, status: "in_progress" } });

  let item: Record<string, unknown>;
  if ("call" in reply) {
    const { namespace, name } = reply.call;
    const args = JSON.stringify(reply.call.arguments);
    const id = `fc_${n}`;
    item = { type: "function_call", id, call_id: `call_${n}`, ...(namespace ? { namespace } : {}), name };
    send("response.output_item.added", {
      output_index: 0,
      item: { ...item, arguments: "", status: "in_progress" },
    });
    send("response.function_call_arguments.delta", { item_id: id, output_index: 0, delta: args });
    send("response.function_call_arguments.done", { item_id: id, output_index: 0, arguments: args });
    item = { ...item, arguments: args, status: "completed" };
  } else {
    const id = `msg_${n}`;
    const part = { type: "output_text", text: reply.text, annotations: [] };
    const at = { item_id: id, output_index: 0, content_index: 0 };
    item = { type: "message", id, role: "assistant", status: "completed", content: [part] };
    send("response.output_item.added", {
      output_index: 0,
      item: { ...item, status: "in_progress", content: [] },
    });
    send("response.content_part.added", { ...at, part: { ...part, text: "" } });
    send("response.output_text.delta", { ...at, delta: reply.text });
    send("response.output_text.done", { ...at, text: reply.text });
    send("response.content_part.done", { ...at, part });
  }
  send("response.output_item.done", { output_index: 0, item });
  send("response.completed", {
    response: {
      ...response,
      status: "completed",
      output: [item],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 15,
      },
    },
  });
  res.end();
  return item;
}
