import type { PluginHooks } from "../../plugin.js";
import type { Sender, SessionContext, TurnKind } from "../../session-context.js";
import type { Fence } from "../../store/store.js";
import type { SessionState } from "../sessions/session-state.js";
import type { PluginHost } from "./plugin-host.js";

/** Who an invocation acts for and in which turn, when the host mints its context. */
export interface Invocation {
  origin: SessionContext["origin"];
  sender: Sender;
  turn?: { id: string; kind: TurnKind; lease?: { pluginId: string; leaseKey: string } };
  /** The session generation the invocation belongs to; a turn keeps the one it started in. */
  generation?: number;
  /** The session's claim a turn started under; without a turn, the session's claim now. */
  fence?: Fence | undefined;
}

/** The sender of hook and continuation invocations: the host itself, never an owner. */
export const hostSender: Sender = Object.freeze({ id: "host", isOwner: false });

/** Mints a fresh context for `pluginId` in `session`. */
export function mintContext(
  host: PluginHost,
  session: SessionState,
  pluginId: string,
  invocation: Invocation,
): SessionContext {
  const { sessionKey, agentId, channel } = session.record;
  // A turn that outlives a reset keeps minting for its own generation, so nothing it does reaches the new one.
  const generation = invocation.generation ?? session.record.generation;
  const { sender, origin, turn } = invocation;
  // A plugin learns the lease key of a continuation only when the lease was its own.
  const leaseKey = turn?.lease?.pluginId === pluginId ? turn.lease.leaseKey : undefined;
  const turnView =
    turn && (leaseKey ? { id: turn.id, kind: turn.kind, leaseKey } : { id: turn.id, kind: turn.kind });
  return host.minter.mint(
    { sessionKey, agentId, channel, sender, origin, turn: turnView },
    {
      pluginId,
      load: host.registry.loadOf(pluginId) ?? 0,
      generation,
      fence: "fence" in invocation ? invocation.fence : session.fence,
    },
  );
}

/**
 * Calls every plugin's `name` hook in load order, each with its own fresh context. A hook that throws is
 * reported as a `plugin-error` event and skipped; it never breaks the session.
 */
export async function callHooks<Name extends keyof PluginHooks>(
  host: PluginHost,
  session: SessionState,
  name: Name,
  invoke: (handler: PluginHooks[Name], context: SessionContext, pluginId: string) => unknown,
  invocation: Omit<Invocation, "origin"> & { onlyPluginId?: string } = { sender: hostSender },
): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const { pluginId, handler } of host.registry.hooks(name)) {
    if (invocation.onlyPluginId !== undefined && pluginId !== invocation.onlyPluginId) continue;
    try {
      const context = mintContext(host, session, pluginId, { ...invocation, origin: "hook" });
      results.push(await invoke(handler, context, pluginId));
    } catch (error) {
      host.events.emit("plugin-error", {
        pluginId,
        hook: name,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return results;
}

/**
 * {@link callHooks} for hooks whose work must be on record before the host forgets what they were told (a
 * turn's end, an interrupted turn): resolves with whether every hook ran to its end.
 */
export async function callHooksToTheEnd<Name extends keyof PluginHooks>(
  host: PluginHost,
  session: SessionState,
  name: Name,
  invoke: (handler: PluginHooks[Name], context: SessionContext, pluginId: string) => unknown,
  invocation?: Omit<Invocation, "origin"> & { onlyPluginId?: string },
): Promise<boolean> {
  let ended = true;
  const tracked = async (handler: PluginHooks[Name], context: SessionContext, pluginId: string) => {
    try {
      return await invoke(handler, context, pluginId);
    } catch (error) {
      ended = false;
      throw error;
    }
  };
  await callHooks(host, session, name, tracked, invocation);
  return ended;
}
