import type { InboxCommand } from "../../store/store.js";
import type { PluginHost } from "../plugins/plugin-host.js";
import type { SessionState } from "../sessions/session-state.js";
import { parseCommand, runCommand } from "./commands.js";

/** What another process may post: one /command, as long as a person's message may be. */
export const maxForwardedChars = 4_000;

/**
 * Commands other processes posted for sessions this host owns: run here, in the session's owner, as if
 * typed here, and answered through the store. Checked before every continuation's admission and in the
 * background, so a forwarded stop is answered only once it is in force.
 */
export class CommandInbox {
  readonly #host: PluginHost;
  /** Commands being applied, by id: a second caller waits for the first rather than passing it by. */
  readonly #applying = new Map<string, Promise<void>>();

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
      let applying = this.#applying.get(command.id);
      if (!applying) {
        applying = this.#answer(session, command).finally(() => this.#applying.delete(command.id));
        this.#applying.set(command.id, applying);
      }
      await applying;
    }
  }

  async #answer(session: SessionState, command: InboxCommand): Promise<void> {
    // Listed before another caller answered it: a command runs once.
    if ((await this.#host.store.getCommand(command.id))?.answer) return;
    const reply = await this.#run(session, command);
    const { sessionKey, text } = command;
    this.#host.events.emit("command-forwarded", { sessionKey, text, reply });
    await this.#host.store.answerCommand(
      command.id,
      { reply, at: this.#host.clock.now() },
      { fence: session.fence },
    );
  }

  async #run(session: SessionState, command: InboxCommand): Promise<string> {
    const parsed = command.text.length <= maxForwardedChars ? parseCommand(command.text) : undefined;
    if (!parsed)
      return `Only a /command of at most ${maxForwardedChars} characters can be sent from another process.`;
    return (await runCommand(this.#host, session, parsed, command.sender)).reply;
  }
}
