import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { countdownPlugin } from "@goal-lease/example-countdown-plugin";
import { createHost, type Host, type Sender } from "@goal-lease/sdk";
import { SqliteStore } from "@goal-lease/sdk/sqlite";
import { EchoModel } from "./echo-model.ts";

/** Options of {@link runChat}. */
export interface ChatOptions {
  /** Lines typed by the person at the terminal, one message or /command per line. */
  input: Readable;
  /** Where replies, turn text and continuation markers go. */
  output: Writable;
  /** The SQLite file that keeps the session, its transcript, plugin state and pending leases. */
  storePath: string;
}

const sessionKey = "terminal";
// This program authenticates nobody, so whoever can type at it owns the session. A real application puts
// the identity its own login established here: the host trusts the sender it is given, and nothing else.
const sender: Sender = { id: "terminal-user", isOwner: true };

/** Chats in one session kept at `storePath` until `input` ends; finishes due continuations, then closes. */
export async function runChat({ input, output, storePath }: ChatOptions): Promise<void> {
  const print = (line: string) => output.write(`${line}\n`);
  // Passing the store keeps its lifetime here: the host closes only a store it opened itself.
  const store = SqliteStore.open(storePath);
  try {
    const host = await createHost({ model: new EchoModel(), store, plugins: [countdownPlugin] });
    try {
      // Continuation turns are not answers to anything sent, so their output arrives through events.
      host.on("turn-start", (event) => {
        if (event.sessionKey === sessionKey && event.kind === "continuation") {
          print(`--- continuation turn (${event.pluginId}) ---`);
        }
      });
      host.on("turn-end", (event) => {
        if (event.sessionKey !== sessionKey) return;
        print(
          event.outcome.status === "error" ? `error: ${event.outcome.message}` : `assistant: ${event.text}`,
        );
      });
      await host.openSession({ sessionKey });
      print(`Session "${sessionKey}" in ${storePath}. Type a message, /countdown 3 or /countdown stop.`);
      for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        if (line.trim() === "") continue;
        try {
          const result = await host.send({ sessionKey, text: line, sender });
          if (result.kind === "command") print(result.command.reply);
        } catch (error) {
          // The host's usage errors are one line that says what to do; the chat goes on.
          print(`error: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      await finishDueContinuations(host);
    } finally {
      await host.close();
    }
  } finally {
    await store.close();
  }
}

// Runs the continuations that are already due, such as a countdown's next turn, before the program exits.
// Later ones stay in the store, and the next start re-arms them.
async function finishDueContinuations(host: Host): Promise<void> {
  for (;;) {
    await host.idle();
    const leases = await host.store.listLeases();
    if (!leases.some((lease) => lease.sessionKey === sessionKey && lease.dueAt <= Date.now())) return;
    // A due lease starts from a timer, so give the event loop a moment to fire it.
    await sleep(5);
  }
}
