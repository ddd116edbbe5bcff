import { goalStateLocation, parseGoalCommand } from "@goal-lease/goal-plugin";
import { forwardControl, type Host } from "@goal-lease/sdk";
import type { AgentDialect } from "../agent-dialect.js";
import type { HookOutput } from "./bridge-options.js";
import { settle } from "./settle.js";

/** The goal commands the person types at the agent's prompt, run for them, answered in the agent's spelling. */
export class TypedCommands {
  readonly #host: () => Host;
  readonly #agent: AgentDialect;
  readonly #user: { id: string; isOwner: true };

  constructor(host: () => Host, agent: AgentDialect, user: { id: string; isOwner: true }) {
    this.#host = host;
    this.#agent = agent;
    this.#user = user;
  }

  /** Runs a typed goal command (what follows the command's name); its reply. */
  async run(sessionKey: string, args: string): Promise<string> {
    const host = this.#host();
    const sent = await host.send({ sessionKey, text: `/goal ${args}`.trim(), sender: this.#user });
    const reply = sent.kind === "command" ? this.qualified(sent.command.reply) : "";
    await settle(host);
    return reply;
  }

  /** Pauses the session's goal for the person, saying why; the answer. */
  async pauseFor(sessionKey: string, note: string): Promise<string> {
    const pause = { pluginId: goalStateLocation.pluginId, verb: "pause", input: { note } };
    const result = await this.#host().control({ sessionKey, ...pause, sender: this.#user });
    return this.qualified(result.reply);
  }

  /** A goal command typed for a session another process serves, sent to it through the store; its answer, or why none. */
  async forward(sessionKey: string, prompt: string): Promise<HookOutput> {
    const command = this.#agent.command.exec(prompt);
    if (!command) return "";
    // Read here, sent as data: the owner applies it whatever its goal command is called.
    const parsed = parseGoalCommand("goal", command[1] ?? "");
    if ("error" in parsed) return JSON.stringify({ decision: "block", reason: this.qualified(parsed.error) });
    const { verb, input } = parsed.change;
    const result = await forwardControl(
      this.#host().store,
      { sessionKey, pluginId: goalStateLocation.pluginId, verb, input, sender: this.#user },
      { timeoutMs: 5_000 },
    );
    const reason = result.status === "answered" ? this.qualified(result.reply) : result.message;
    return JSON.stringify({ decision: "block", reason });
  }

  /** The goal plugin's replies name `/goal`; the person types the agent's own command. */
  qualified(reply: string): string {
    return reply.replace(/\/goal(?=\s|$|\.)/g, this.#agent.commandName);
  }
}
