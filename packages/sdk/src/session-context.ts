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

/**
 * A context as the host mints it: frozen, its grant in a private field, so only the minter that made it can
 * read it back, and a forged or copied object has none. (A class rather than a registry of objects: a
 * context is minted for every hook and tool call, and a private field costs far less than a WeakMap entry.)
 */
class MintedContext implements SessionContext {
  readonly [sessionContextBrand] = true as const;
  readonly sessionKey: string;
  readonly agentId: string;
  readonly channel: string;
  readonly sender: Sender;
  readonly origin: SessionContext["origin"];
  declare readonly turn?: SessionContext["turn"];
  readonly #grant: ContextGrant;
  readonly #minter: ContextMinter;

  constructor(fields: SessionContextFields, grant: ContextGrant, minter: ContextMinter) {
    this.sessionKey = fields.sessionKey;
    this.agentId = fields.agentId;
    this.channel = fields.channel;
    this.sender = Object.freeze({ id: fields.sender.id, isOwner: fields.sender.isOwner });
    this.origin = fields.origin;
    const turn = fields.turn;
    if (turn) {
      this.turn = Object.freeze(
        turn.leaseKey === undefined
          ? { id: turn.id, kind: turn.kind }
          : { id: turn.id, kind: turn.kind, leaseKey: turn.leaseKey },
      );
    }
    this.#grant = grant;
    this.#minter = minter;
    Object.freeze(this);
  }

  static grantOf(value: unknown, minter: ContextMinter): ContextGrant | undefined {
    if (typeof value !== "object" || value === null || !(#grant in value)) return undefined;
    return value.#minter === minter ? value.#grant : undefined;
  }
}

/** Mints the host's contexts, and knows its own from anything else. */
export class ContextMinter {
  mint(fields: SessionContextFields, grant: ContextGrant): SessionContext {
    return new MintedContext(fields, Object.freeze({ ...grant }), this);
  }

  grantOf(value: unknown): ContextGrant | undefined {
    return MintedContext.grantOf(value, this);
  }
}
