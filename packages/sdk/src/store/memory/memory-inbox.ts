import { randomUUID } from "node:crypto";
import { frozenCopy } from "../frozen-copy.js";
import { type CommandAnswer, type InboxCommand, inboxFullError, inboxLimits } from "../store.js";

/** The command inbox of a {@link MemoryStore}: commands for a session's owner, bounded as on every store. */
export class MemoryInbox {
  readonly #commands = new Map<string, InboxCommand>();
  readonly #watchers = new Set<(sessionKey: string) => void>();

  postCommand(command: Omit<InboxCommand, "id" | "answer">): InboxCommand {
    if (this.listPendingCommands(command.sessionKey).length >= inboxLimits.maxPending) {
      throw inboxFullError(command.sessionKey);
    }
    const posted: InboxCommand = structuredClone({ ...command, id: randomUUID() });
    this.#commands.set(posted.id, posted);
    for (const watcher of this.#watchers) watcher(posted.sessionKey);
    return frozenCopy(posted);
  }

  watchCommands(listener: (sessionKey: string) => void): () => void {
    this.#watchers.add(listener);
    return () => {
      this.#watchers.delete(listener);
    };
  }

  getCommand(id: string): InboxCommand | undefined {
    const command = this.#commands.get(id);
    return command && frozenCopy(command);
  }

  /** Commands not answered yet, of one session or all, oldest first. */
  listPendingCommands(sessionKey?: string): InboxCommand[] {
    return [...this.#commands.values()]
      .filter((command) => !command.answer && (sessionKey === undefined || command.sessionKey === sessionKey))
      .map(frozenCopy);
  }

  /**
   * Records the answer unless there is one already (`checkFence` first, with the command's session), and
   * drops the session's commands answered long before it.
   */
  answerCommand(id: string, answer: CommandAnswer, checkFence: (sessionKey: string) => void): boolean {
    const command = this.#commands.get(id);
    if (!command || command.answer) return false;
    checkFence(command.sessionKey);
    command.answer = { ...answer };
    const before = answer.at - inboxLimits.keepAnsweredMs;
    for (const [key, answered] of this.#commands) {
      const at = answered.answer?.at;
      if (answered.sessionKey === command.sessionKey && at !== undefined && at < before)
        this.#commands.delete(key);
    }
    return true;
  }
}
