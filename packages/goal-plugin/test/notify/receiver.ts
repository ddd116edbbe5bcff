import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyNotification } from "../../src/goal-notify/sign.js";
import type { GoalStopPayload } from "../../src/goal-notify/stop-notice.js";

/** One request the receiver got, with what a real receiver would check. */
export interface Received {
  path: string;
  delivery: string | undefined;
  signature: string | undefined;
  /** The raw body, as signed. */
  body: string;
  payload: GoalStopPayload;
  /** Whether the signature header signs the raw body under the receiver's secret. */
  verified: boolean;
  headers: IncomingHttpHeaders;
}

/** How the receiver answers a request: a status, and headers (a redirect's Location). */
export type Answer = { status: number; headers?: Record<string, string> };

/**
 * A local HTTP receiver of goal notifications (loopback only): it keeps every request, verifies its
 * signature as a real receiver would, and answers as the test says (200 unless told otherwise).
 */
export async function startReceiver(secret?: string) {
  const received: Received[] = [];
  let answer: (request: Received, index: number) => Answer = () => ({ status: 200 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const signature = header("x-goal-lease-signature");
      let payload: GoalStopPayload;
      try {
        payload = JSON.parse(body) as GoalStopPayload;
      } catch {
        payload = {} as GoalStopPayload;
      }
      const entry: Received = {
        path: request.url ?? "",
        delivery: header("x-goal-lease-delivery"),
        signature,
        body,
        payload,
        verified:
          secret !== undefined && signature !== undefined && verifyNotification(secret, body, signature),
        headers: request.headers,
      };
      received.push(entry);
      const { status, headers } = answer(entry, received.length - 1);
      response.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/hooks/goal`,
    received,
    /** From now on, answers with what `how` says. */
    answerWith(how: (request: Received, index: number) => Answer) {
      answer = how;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits until `done` holds: a bound on a hang (10 s of real time), not a speed check. */
export async function until(done: () => boolean | Promise<boolean>, what = "the condition"): Promise<void> {
  for (const deadline = Date.now() + 10_000; !(await done()); ) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
