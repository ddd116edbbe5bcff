import { z } from "zod";
import { createHost, type Host } from "../src/host/host.js";
import type { SendResult } from "../src/host/sessions/session-api.js";
import type { TurnResult } from "../src/host/sessions/turn-result.js";
import type { Model } from "../src/model.js";
import { definePlugin, defineTool } from "../src/plugin.js";
import { MemoryStore } from "../src/store/memory/memory-store.js";
import { createTestHost, type TestHost } from "../src/testing/index.js";
import { type ProviderServer, type ServerReply, startProviderServer } from "./provider-server.js";

/** The session owner in adapter tests. */
export const owner = Object.freeze({ id: "owner", isOwner: true });

/** A plugin with one tool, `add`, so a model adapter can be driven through a tool call round trip. */
export const calculator = definePlugin({
  id: "calculator",
  register(api) {
    api.registerTool(
      defineTool({
        name: "add",
        description: "Adds two numbers.",
        input: z.object({ a: z.number(), b: z.number() }),
        execute: ({ a, b }) => String(a + b),
      }),
    );
  },
});

/** A local provider server and the hosts a test runs against it; `dispose` closes whatever was opened. */
export class AdapterHarness {
  #server: ProviderServer | undefined;
  #testHost: TestHost | undefined;
  #realHost: Host | undefined;

  async serve(replies: ServerReply[]): Promise<ProviderServer> {
    this.#server = await startProviderServer(replies);
    return this.#server;
  }

  /** One user turn on the production host with the fake clock and the calculator plugin. */
  async userTurn(model: Model, text = "What is 2 + 3?"): Promise<TurnResult> {
    this.#testHost = await createTestHost({ model, plugins: [calculator] });
    await this.#testHost.host.openSession({ sessionKey: "s1" });
    const result = await this.#testHost.host.send({ sessionKey: "s1", text, sender: owner });
    if (result.kind !== "turn") throw new Error("expected a turn");
    return result.turn;
  }

  /** One user turn on a host with the real clock, so the host's own model timeout fires. */
  async realClockTurn(model: Model, modelTimeoutMs: number): Promise<SendResult> {
    this.#realHost = await createHost({ model, store: new MemoryStore(), limits: { modelTimeoutMs } });
    await this.#realHost.openSession({ sessionKey: "s1" });
    return this.#realHost.send({ sessionKey: "s1", text: "hello", sender: owner });
  }

  async dispose(): Promise<void> {
    await this.#testHost?.dispose();
    await this.#realHost?.close();
    await this.#server?.close();
    this.#server = this.#testHost = this.#realHost = undefined;
  }
}
