// A scripted model behind OpenClaw's OpenAI-compatible provider: chat completions, streamed as SSE.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One model request as the mock saw it. */
export interface SeenRequest {
  session: string;
  kind: "continuation" | "tool-result" | "user";
  /** Everything sent in this request after the last assistant message, joined. */
  turnText: string;
  system: string;
  tools: string[];
  toolResult?: string;
  /** When it arrived (ms since the epoch). */
  receivedAt: number;
}

type Reply =
  | { text: string; delayMs?: number }
  | { tool: string; args: Record<string, unknown> }
  /** An HTTP error the provider answers with, such as a 429 for a rate limit. */
  | { error: { status: number; message: string } };
/** Decides the reply to a request; `count` is how many continuation requests its session had so far. */
export type Script = (request: SeenRequest, count: number) => Reply;

interface Message {
  role: string;
  content?: unknown;
}

const textOf = (message: Message | undefined): string =>
  typeof message?.content === "string"
    ? message.content
    : Array.isArray(message?.content)
      ? message.content.map((part: { text?: string }) => part.text ?? "").join("")
      : "";

// OpenClaw names the session only inside its runtime line: "... | session=agent:main:x | ...".
const sessionOf = (messages: Message[]) =>
  /session=(agent:[^ |\\"]+)/.exec(JSON.stringify(messages))?.[1] ?? "?";

function read(body: { messages?: Message[]; tools?: { function?: { name?: string } }[] }): SeenRequest {
  const messages = body.messages ?? [];
  const lastAssistant = messages.findLastIndex((message) => message.role === "assistant");
  const tail = messages.slice(lastAssistant + 1);
  const tool = tail.find((message) => message.role === "tool");
  const turnText = tail.map(textOf).join("\n");
  return {
    session: sessionOf(messages),
    kind: tool ? "tool-result" : /Goal continuation/.test(turnText) ? "continuation" : "user",
    turnText,
    system: messages
      .filter((message) => message.role === "system")
      .map(textOf)
      .join("\n"),
    tools: (body.tools ?? []).map((entry) => entry.function?.name ?? ""),
    toolResult: tool ? textOf(tool) : undefined,
    receivedAt: Date.now(),
  };
}

/** Starts the mock on a free loopback port; every request is kept in `requests`. */
export async function startMockModel(script: Script, options: { slowMs: number }) {
  const requests: SeenRequest[] = [];
  const continuations = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += chunk;
    });
    request.on("end", async () => {
      if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
        response.writeHead(404).end("{}");
        return;
      }
      const body = JSON.parse(raw);
      const seen = read(body);
      requests.push(seen);
      const count = (continuations.get(seen.session) ?? 0) + (seen.kind === "continuation" ? 1 : 0);
      continuations.set(seen.session, count);
      const reply = script(seen, count);
      if (seen.kind === "user" && seen.turnText.includes("SLOW")) {
        await new Promise((resolve) => setTimeout(resolve, options.slowMs));
      }
      if ("error" in reply) {
        const { status, message } = reply.error;
        const error = { message, type: "rate_limit_exceeded", code: "rate_limit_exceeded" };
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error }));
        return;
      }
      if ("delayMs" in reply) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      stream(response, body.model, requests.length, reply);
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
  response: import("node:http").ServerResponse,
  model: string,
  n: number,
  reply: Exclude<Reply, { error: unknown }>,
) {
  const id = `cmpl-${n}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: object = {}) =>
    response.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices, ...extra })}\n\n`,
    );
  response.writeHead(200, { "content-type": "text/event-stream" });
  if ("tool" in reply) {
    const call = {
      index: 0,
      id: `call_${n}`,
      type: "function",
      function: { name: reply.tool, arguments: JSON.stringify(reply.args) },
    };
    chunk([{ index: 0, delta: { role: "assistant", tool_calls: [call] }, finish_reason: null }]);
    chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]);
  } else {
    chunk([{ index: 0, delta: { role: "assistant", content: reply.text }, finish_reason: null }]);
    chunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
  }
  chunk([], { usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105 } });
  response.end("data: [DONE]\n\n");
}
