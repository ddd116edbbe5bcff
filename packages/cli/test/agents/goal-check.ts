// What a goal started with --check and --notify needs end to end: a check that fails once, then passes,
// and a loopback receiver of the person's notifications.
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** What the check prints when it fails. */
export const checkFailure = "1 test failed: notes.md";

/** A `node` command (for --check) that fails the first time it runs in `folder`, then passes. */
export function flakyCheck(folder: string): string {
  writeFileSync(
    join(folder, "flaky.cjs"),
    `const fs = require("fs"); const f = process.argv[2]; const n = (fs.existsSync(f) ? Number(fs.readFileSync(f, "utf8")) : 0) + 1;
     fs.writeFileSync(f, String(n)); if (n < 2) { console.log(${JSON.stringify(checkFailure)}); process.exit(1); }`,
  );
  // Relative: it runs only in `folder`, the session's own.
  return "node flaky.cjs check-count";
}

/** A notification as the receiver got it. */
export interface Told {
  delivery: unknown;
  body: string;
}

/** A loopback HTTP receiver (for --notify): what it was told, at `url`. */
export async function startReceiver(): Promise<{ url: string; told: Told[]; close: () => void }> {
  const told: Told[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      told.push({ delivery: request.headers["x-goal-lease-delivery"], body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/goal-stopped`;
  return { url, told, close: () => receiver.close() };
}

/** Whether `told` is exactly one notification, of `session`'s goal stopping as done, with a delivery id. */
export function toldOnceDone(told: Told[], session: string): boolean {
  const stopped = told[0] && (JSON.parse(told[0].body) as { status?: string; session?: string });
  return (
    told.length === 1 &&
    stopped?.status === "done" &&
    stopped.session === session &&
    typeof told[0]?.delivery === "string"
  );
}
