import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type GoalStopPayload, verifyNotification } from "@goal-lease/goal-plugin";

/** One notification a receiver got: its headers, raw body and parsed document. */
export interface ReceivedNotification {
  delivery: string | undefined;
  signature: string | undefined;
  body: string;
  payload: GoalStopPayload;
}

/**
 * A local receiver of goal notifications (loopback only), answering each with the status `answer` gives
 * (200 unless told otherwise). `verified` checks a signature as a real receiver would, under a secret.
 */
export async function notifyReceiver(answer: (index: number) => number = () => 200) {
  const received: ReceivedNotification[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => request.headers[name] as string | undefined;
      received.push({
        delivery: header("x-goal-lease-delivery"),
        signature: header("x-goal-lease-signature"),
        body,
        payload: JSON.parse(body) as GoalStopPayload,
      });
      response.writeHead(answer(received.length - 1)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/goal-hook`;
  return {
    url,
    received,
    verified: (secret: string, entry: ReceivedNotification | undefined) =>
      entry?.signature !== undefined && verifyNotification(secret, entry.body, entry.signature),
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
