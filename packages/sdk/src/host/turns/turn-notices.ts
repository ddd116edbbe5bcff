import type { TurnOutcome, TurnUsage } from "../../plugin.js";
import { callHooks, callHooksToTheEnd } from "../plugins/plugin-hooks.js";
import { holds } from "../sessions/session-claim.js";
import type { SessionState, TurnIdentity } from "../sessions/session-state.js";
import type { TurnHost } from "./turn-host.js";

/** How a turn ended, for its hooks and event. */
export interface TurnEnding {
  outcome: TurnOutcome;
  usage: TurnUsage;
  toolCalls: string[];
  text: string;
}

/** The invocation a turn's hooks and tools are minted with. */
export function turnInvocation(turn: TurnIdentity) {
  const { turnId: id, kind, lease, sender, generation, fence } = turn;
  return { sender, generation, fence, turn: { id, kind, lease } };
}

/** Emits `turn-start` and runs every plugin's turn-start hook. */
export async function announceTurnStart(
  host: TurnHost,
  session: SessionState,
  turn: TurnIdentity,
): Promise<void> {
  const { turnId, kind, lease } = turn;
  host.events.emit("turn-start", {
    sessionKey: session.record.sessionKey,
    turnId,
    kind,
    pluginId: lease?.pluginId,
    leaseKey: lease?.leaseKey,
  });
  await callHooks(
    host,
    session,
    "turn-start",
    (handler, context, pluginId) =>
      handler({ turnId, kind, leaseKey: lease?.pluginId === pluginId ? lease.leaseKey : undefined }, context),
    turnInvocation(turn),
  );
}

/**
 * Runs every plugin's turn-end hook, then emits `turn-end`, so observers see what the plugins made of it. A
 * turn that ends after this process lost its session is reported in this process's events only: the
 * plugins' records belong to the session's new owner, and no hook of a turn it did not run touches them.
 * `reply` is the turn's reply on its way to the store: the hooks do not wait for it (what they write goes
 * with it), the event does, and says `host_error` if it failed. Resolves with whether every hook ran to its
 * end (a plugin's accounts of the turn may be missing if not) and the outcome the event told.
 */
export async function announceTurnEnd(
  host: TurnHost,
  session: SessionState,
  turn: TurnIdentity,
  ending: TurnEnding,
  reply: Promise<void> | undefined,
): Promise<{ hooksEnded: boolean; outcome: TurnOutcome }> {
  const { turnId, kind, lease } = turn;
  const { outcome, usage, toolCalls, text } = ending;
  let hooksEnded = false;
  if (!holds(session, turn.fence)) {
    host.events.emit("host-error", {
      sessionKey: session.record.sessionKey,
      message: `Turn ${turnId} ended after another goal-lease process took session ${JSON.stringify(session.record.sessionKey)}; nothing of it was written there.`,
    });
  } else
    hooksEnded = await callHooksToTheEnd(
      host,
      session,
      "turn-end",
      (handler, context, pluginId) =>
        handler(
          {
            turnId,
            kind,
            leaseKey: lease?.pluginId === pluginId ? lease.leaseKey : undefined,
            leaseId: lease?.pluginId === pluginId ? lease.id : undefined,
            outcome,
            usage: { ...usage },
            toolCalls: [...toolCalls],
            text,
          },
          context,
        ),
      turnInvocation(turn),
    );
  let told = outcome;
  if (reply) await reply.catch((error: unknown) => (told = hostError(error)));
  host.events.emit("turn-end", {
    sessionKey: session.record.sessionKey,
    turnId,
    kind,
    outcome: told,
    usage,
    text,
  });
  return { hooksEnded, outcome: told };
}

/** The outcome of a turn the host failed (usually its store): plugins hear of it, and nothing is stuck. */
export function hostError(error: unknown): TurnOutcome {
  const said = (error instanceof Error ? error.message : String(error)).split("\n", 1)[0] ?? "unknown error";
  return { status: "error", kind: "host_error", message: `The host failed during the turn: ${said}` };
}
