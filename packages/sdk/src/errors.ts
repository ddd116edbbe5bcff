/** Base class of every error the SDK throws; `code` is stable, `message` is one line that says what to do. */
export class GoalLeaseError extends Error {
  override readonly name: string;
  readonly code: string;

  constructor(options: { code: string; message: string; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
  }
}

/** A plugin definition that cannot be registered: duplicate name, bad schema, bad id. Thrown at load time. */
export class PluginDefinitionError extends GoalLeaseError {
  readonly pluginId: string;

  constructor(options: { pluginId: string; problem: string }) {
    super({ code: "plugin_definition", message: `Plugin "${options.pluginId}": ${options.problem}` });
    this.pluginId = options.pluginId;
  }
}

/** A plugin passed a context the host did not mint for it. */
export class UntrustedContextError extends GoalLeaseError {
  constructor() {
    super({
      code: "untrusted_session",
      message:
        "This is not a context the host minted for this plugin; pass the context your command, tool or hook received.",
    });
  }
}

/** The caller used the host wrongly: unknown session, closed host, invalid session key. */
export class HostUsageError extends GoalLeaseError {
  constructor(options: { message: string }) {
    super({ code: "host_usage", message: options.message });
  }
}

/** The store could not read or write; the operation that needed it did not happen. */
export class StoreUnavailableError extends GoalLeaseError {
  constructor(options: { message: string; cause?: unknown }) {
    super({ code: "store_unavailable", message: options.message, cause: options.cause });
  }
}

/**
 * Another live host process owns the session, or this one lost it (its fence is stale): nothing was
 * written. Only the owner runs a session's turns and writes its state.
 */
export class SessionOwnedError extends GoalLeaseError {
  readonly sessionKey: string;

  constructor(options: { sessionKey: string; message: string }) {
    super({ code: "session_owned", message: options.message });
    this.sessionKey = options.sessionKey;
  }
}

/**
 * The model provider refused the call for a rate limit or an exhausted quota. `retryAfterMs` is set when the
 * provider said when to try again; a goal waits that long, or backs off when it did not say.
 */
export class ModelUsageLimitError extends GoalLeaseError {
  readonly retryAfterMs?: number;

  constructor(options: { message: string; retryAfterMs?: number; cause?: unknown }) {
    super({ code: "model_usage_limited", message: options.message, cause: options.cause });
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
