import type { InboxCommand } from "../../store/store.js";
import type { PluginHost } from "../plugins/plugin-host.js";
import type { SessionState } from "../sessions/session-state.js";
import { runControl } from "./controls.js";

/**
 * Changes other processes posted for sessions this host owns, as data (a plugin's control and its input):
 * run here, in the session's owner, and answered through the store. Checked before every continuation's admission and in the
 * background, so a forwarded stop is answered only once it is in force.
 */
export class CommandInbox {
  readonly #host: PluginHost;
  /** Commands being applied, by id: a second caller waits for the first rather than passing it by. */
  readonly #applying = new Map<string, { sessionKey: string; done: Promise<void> }>();

  constructor(host: PluginHost) {
    this.#host = host;
  }

  /**
   * Applies the pending commands of `sessionKey` (of every session this host owns, without one), oldest
   * first, and resolves once each is answered, those another caller was applying included: what was
   * posted before the call is in force when it returns.
   */
  async apply(sessionKey?: string): Promise<void> {
    const pending = await this.#host.store.listPendingCommands(sessionKey);
    for (const command of pending) {
      const session = this.#host.session(command.sessionKey);
      if (!session?.fence) continue;
      let applying = this.#applying.get(command.id)?.done;
      if (!applying) {
        applying = this.#answer(session, command).finally(() => this.#applying.delete(command.id));
        this.#applying.set(command.id, { sessionKey: command.sessionKey, done: applying });
      }
      await applying;
    }
  }

  /** Resolves once the commands of `sessionKey` being applied now are answered; reads nothing. */
  async settled(sessionKey: string): Promise<void> {
    const applying = [...this.#applying.values()].filter((command) => command.sessionKey === sessionKey);
    await Promise.all(applying.map((command) => command.done));
  }

  async #answer(session: SessionState, command: InboxCommand): Promise<void> {
    // Listed before another caller answered it: a command runs once.
    if ((await this.#host.store.getCommand(command.id))?.answer) return;
    const { sessionKey, pluginId, verb, input, sender } = command;
    // The change runs here, through this host's copies; read afresh all the same, as a command may follow
    // a takeover whose writes this host has not seen.
    this.#host.copies.forget(sessionKey);
    const { applied, reply } = await runControl(this.#host, session, { pluginId, verb, input }, sender);
    this.#host.events.emit("command-forwarded", { sessionKey, pluginId, verb, input, reply, applied });
    await this.#host.store.answerCommand(
      command.id,
      { reply, applied, at: this.#host.clock.now() },
      { fence: session.fence },
    );
  }
}
