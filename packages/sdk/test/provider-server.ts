import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the local provider server received, its JSON body parsed. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What the server does with one request: answer with a status and JSON, or never answer. */
export type ServerReply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { hang: true };

/** A local HTTP server that plays a provider: one scripted reply per request, in order. */
export interface ProviderServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  /** Resolves once the client closed a request the server was told never to answer. */
  abandoned: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 and a free port. A request with no scripted reply left gets a 500, so a
 * test that expects a given number of calls sees the extra one in `requests` and in its outcome.
 */
export async function startProviderServer(replies: ServerReply[]): Promise<ProviderServer> {
  const script = [...replies];
  const requests: ReceivedRequest[] = [];
  let markAbandoned: () => void = () => {};
  const abandoned = new Promise<void>((resolve) => {
    markAbandoned = resolve;
  });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: text === "" ? undefined : JSON.parse(text),
      });
      const reply = script.shift() ?? {
        status: 500,
        json: { error: { message: "the test server has no reply left for this request" } },
      };
      if ("hang" in reply) {
        response.on("close", () => {
          if (!response.writableFinished) markAbandoned();
        });
        return;
      }
      response.writeHead(reply.status ?? 200, { ...reply.headers, "content-type": "application/json" });
      response.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The origin of a port that was just listening on 127.0.0.1 and is now closed, so connecting is refused. */
export async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
