import type { Fence } from "./store/store.js";

/** Brand that only host-minted contexts carry; the host's registry, not this symbol, is what it trusts. */
export const sessionContextBrand: unique symbol = Symbol("goal-lease.SessionContext");

/** Who sent the input that led to this invocation, as authenticated by the host. */
export interface Sender {
  readonly id: string;
  readonly isOwner: boolean;
}

/** Which kind of turn an invocation belongs to. */
export type TurnKind = "user" | "continuation";

/**
 * The trusted identity of one command invocation, tool call or hook call, minted and frozen by the host.
 * Plugins cannot construct one: the host rejects any context it did not mint for that plugin, and any
 * context whose session was reset or closed since.
 */
export interface SessionContext {
  readonly [sessionContextBrand]: true;
  readonly sessionKey: string;
  /** The agent that owns the session; fixed when the session was opened, never a separate input. */
  readonly agentId: string;
  readonly channel: string;
  readonly sender: Sender;
  readonly origin: "command" | "tool" | "hook";
  /** The turn this invocation runs in; `leaseKey` is set when it continues one of this plugin's own leases. */
  readonly turn?: { readonly id: string; readonly kind: TurnKind; readonly leaseKey?: string };
}

/** What the host recorded when it minted a context. */
export interface ContextGrant {
  readonly pluginId: string;
  /** Which load of the plugin it was minted for: an unloaded plugin's contexts stay dead after a reload. */
  readonly load: number;
  readonly generation: number;
  /**
   * The claim on the session the context was minted under (a turn's: the one it started under). Its writes
   * carry it, so once this process loses the session, nothing done with the context is written.
   */
  readonly fence: Fence | undefined;
}

/** The fields of a context, without the brand. */
export type SessionContextFields = Omit<SessionContext, typeof sessionContextBrand>;

/** Host-owned registry of minted contexts; a WeakMap, so a forged object can never be found in it. */
export class ContextMinter {
  readonly #grants = new WeakMap<object, ContextGrant>();

  mint(fields: SessionContextFields, grant: ContextGrant): SessionContext {
    const context: SessionContext = Object.freeze({
      ...fields,
      sender: Object.freeze({ ...fields.sender }),
      ...(fields.turn ? { turn: Object.freeze({ ...fields.turn }) } : {}),
      [sessionContextBrand]: true as const,
    });
    this.#grants.set(context, Object.freeze({ ...grant }));
    return context;
  }

  grantOf(value: unknown): ContextGrant | undefined {
    return typeof value === "object" && value !== null ? this.#grants.get(value) : undefined;
  }
}
