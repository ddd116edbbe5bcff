import { HostUsageError } from "../../errors.js";
import type { Sender } from "../../session-context.js";
import type { SessionRecord } from "../../store/store.js";
import type { TurnResult } from "./turn-result.js";

// Wide enough for the keys embedding hosts mint (phone numbers, "#channel"), never whitespace or quotes.
const sessionKeyPattern = /^[A-Za-z0-9:._@/+#=~,!-]{1,200}$/;
const agentIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** The outcome of a slash command. `reply` is one message for the sender. */
export interface CommandResult {
  status: "ok" | "denied" | "unknown" | "error";
  name: string;
  reply: string;
}

/** Opens or reopens a session. `agentId` and `channel` are fixed when the session is first created. */
export interface OpenSessionOptions {
  sessionKey: string;
  agentId?: string;
  channel?: string;
}

/** A session as callers of the host see it. */
export type SessionInfo = Readonly<Omit<SessionRecord, "closedAt">>;

/** Input from a person: plain text becomes a user turn, `/name args` runs a command. */
export interface SendInput {
  sessionKey: string;
  /** SECURITY: user text, untrusted. */
  text: string;
  /** Who sent it, as the embedding application authenticated them. */
  sender: Sender;
}

/** What {@link Host.send} did with the input. */
export type SendResult = { kind: "command"; command: CommandResult } | { kind: "turn"; turn: TurnResult };

/** Validates the caller's session options and fills in the defaults. */
export function checkOpenSessionOptions(options: OpenSessionOptions): Required<OpenSessionOptions> {
  const { sessionKey, agentId = "main", channel = "local" } = options;
  if (typeof sessionKey !== "string" || !sessionKeyPattern.test(sessionKey)) {
    throw new HostUsageError({
      message: `Invalid session key ${JSON.stringify(sessionKey)}: use 1-200 letters, digits or ":._@/+#=~,!-".`,
    });
  }
  if (typeof agentId !== "string" || !agentIdPattern.test(agentId)) {
    throw new HostUsageError({
      message: `Invalid agent id ${JSON.stringify(agentId)}: use 1-64 letters, digits or "._-".`,
    });
  }
  if (typeof channel !== "string" || !agentIdPattern.test(channel)) {
    throw new HostUsageError({
      message: `Invalid channel ${JSON.stringify(channel)}: use 1-64 letters, digits or "._-".`,
    });
  }
  return { sessionKey, agentId, channel };
}

/** Refuses user text that is empty or longer than `maxChars`. */
export function checkUserText(text: unknown, maxChars: number): asserts text is string {
  if (typeof text !== "string" || text.trim() === "") {
    throw new HostUsageError({ message: "The message is empty; type some text or a /command." });
  }
  if (text.length > maxChars) {
    throw new HostUsageError({
      message: `The message has ${text.length} characters; the limit is ${maxChars}.`,
    });
  }
}

/** The caller's view of a session record. */
export function sessionInfo(record: SessionRecord): SessionInfo {
  const { closedAt: _closedAt, ...rest } = record;
  return Object.freeze(rest);
}
