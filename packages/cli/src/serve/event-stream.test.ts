import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "./server.js";

const directory = mkdtempSync(join(tmpdir(), "goal-lease-serve-streams-"));
const store = SqliteStore.open(join(directory, "state.db"));
const token = "stream-test-token-0123456789";
const auth = { Authorization: `Bearer ${token}` };
// The page's content plays no part here; the server only needs its three files to start.
for (const name of ["index.html", "app.js", "app.css"]) writeFileSync(join(directory, name), "");

afterAll(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

async function withServer(maxStreams: number | undefined, work: (server: RunningServer) => Promise<void>) {
  const server = await startServer({
    store,
    token,
    host: "127.0.0.1",
    port: 0,
    pageDirectory: directory,
    pollMs: 50,
    ...(maxStreams === undefined ? {} : { maxStreams }),
  });
  try {
    await work(server);
  } finally {
    await server.close();
  }
}

/** Opens the event stream and reads it up to its snapshot: the stream holds a slot from here on. */
async function openStream(server: RunningServer, signal?: AbortSignal) {
  const response = await fetch(`${server.origin}/api/events`, { headers: auth, signal });
  expect(response.status).toBe(200);
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) throw new Error("the stream has no body");
  let text = "";
  while (!text.includes("event: snapshot\n")) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error("the stream ended before its snapshot");
    text += chunk.value;
  }
  return reader;
}

/** The status a new stream gets once the slots have had the time to be freed. */
async function streamStatusSettles(server: RunningServer, status: number) {
  await expect
    .poll(
      async () => {
        const response = await fetch(`${server.origin}/api/events`, { headers: auth });
        await response.body?.cancel();
        return response.status;
      },
      { timeout: 30_000 },
    )
    .toBe(status);
}

describe("goal-lease serve: the event stream's slots", () => {
  it("answers HEAD with the stream's headers and takes no slot: 40 of them, and a stream still opens", async () => {
    await withServer(undefined, async (server) => {
      for (let index = 0; index < 40; index++) {
        const head = await fetch(`${server.origin}/api/events`, { method: "HEAD", headers: auth });
        expect(head.status).toBe(200);
        expect(head.headers.get("content-type")).toMatch(/^text\/event-stream/);
      }
      const reader = await openStream(server);
      await reader.cancel();
    });
  });

  it("frees the slot of a client that aborts, or whose connection drops", async () => {
    await withServer(1, async (server) => {
      const aborted = new AbortController();
      await openStream(server, aborted.signal);
      const full = await fetch(`${server.origin}/api/events`, { headers: auth });
      expect(full.status).toBe(503);
      aborted.abort();
      await streamStatusSettles(server, 200);

      // A client that goes without a word: its socket is destroyed mid-stream.
      const { port } = new URL(server.origin);
      const dropped = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
        const raw = request({ host: "127.0.0.1", port, path: "/api/events", headers: auth }, resolve);
        raw.once("error", reject);
        raw.end();
      });
      expect(dropped.statusCode).toBe(200);
      await streamStatusSettles(server, 503);
      dropped.socket.destroy();
      await streamStatusSettles(server, 200);
    });
  });

  it("ends every open stream when the server closes", async () => {
    let reader: ReadableStreamDefaultReader<string> | undefined;
    await withServer(1, async (server) => {
      reader = await openStream(server);
    });
    // The server's close resolved with the stream open, and the client sees its stream end (or cut).
    const ended = async () => {
      try {
        for (;;) if ((await reader?.read())?.done ?? true) return "ended";
      } catch {
        return "ended";
      }
    };
    expect(await ended()).toBe("ended");
  });
});
