import { Transform } from "node:stream";

/**
 * Passes newline-delimited messages through whole, and drops a message longer than `maxBytes` instead of
 * buffering it: `onOversized` gets its first kilobyte (enough to find a JSON-RPC id), and the stream goes on
 * with the next line. The MCP SDK's own reader closes the whole connection on such a line.
 */
export function boundedLines(maxBytes: number, onOversized: (head: string) => void): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropping = false;
  let head = "";
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 ? chunk.length : newline + 1;
        const piece = chunk.subarray(start, end);
        start = end;
        if (!dropping) {
          pending.push(piece);
          pendingBytes += piece.length;
          if (pendingBytes > maxBytes) {
            head = Buffer.concat(pending).subarray(0, 1_024).toString("utf8");
            pending = [];
            pendingBytes = 0;
            dropping = true;
          }
        }
        if (newline === -1) continue;
        if (dropping) {
          dropping = false;
          onOversized(head);
        } else {
          this.push(Buffer.concat(pending));
          pending = [];
          pendingBytes = 0;
        }
      }
      done();
    },
  });
}

/**
 * The id of the JSON-RPC request whose message begins with `head`, if it shows one before its params (an
 * "id" inside the params is not the request's).
 */
export function requestIdIn(head: string): string | number | null {
  const params = head.indexOf('"params"');
  const match = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,16})/.exec(
    params === -1 ? head : head.slice(0, params),
  );
  if (!match?.[1]) return null;
  try {
    return JSON.parse(match[1]) as string | number;
  } catch {
    return null;
  }
}
