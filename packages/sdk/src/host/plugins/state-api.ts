import { GoalLeaseError, UntrustedContextError } from "../../errors.js";
import type { JsonValue } from "../../json.js";
import type { PluginStateApi } from "../../plugin.js";
import { maxLogEntries } from "../../store/store.js";
import type { PluginHost } from "./plugin-host.js";
import { type PluginCaller, resolveContext } from "./resolve-context.js";
import { deleteStateCopy, readStateCopy, type StatePlace, writeStateCopy } from "./state-copies.js";

/** What a plugin state key may be. */
export const stateKeyPattern = /^[A-Za-z0-9._:-]{1,120}$/;
const maxStateChars = 1_000_000;

// Its security test names it from here, where it is thrown.
export { UntrustedContextError };

/** Plugin state scoped to (plugin, the context's session), with compare-and-set writes. */
export function createStateApi(host: PluginHost, caller: PluginCaller): PluginStateApi {
  const { pluginId } = caller;
  const placeOf = (context: unknown, key: string): StatePlace => {
    const checked = resolveContext(host, context, caller);
    if (checked.status === "untrusted") throw new UntrustedContextError();
    if (checked.status === "unloaded") {
      throw new GoalLeaseError({ code: "plugin_unloaded", message: checked.message });
    }
    if (checked.status === "stale") {
      throw new GoalLeaseError({ code: "session_unavailable", message: checked.message });
    }
    if (typeof key !== "string" || !stateKeyPattern.test(key)) {
      throw new GoalLeaseError({
        code: "invalid_state_key",
        message: `Invalid state key ${JSON.stringify(key)}: use 1-120 letters, digits or "._:-".`,
      });
    }
    return { session: checked.session, fence: checked.fence, pluginId, key };
  };
  const scopeOf = (context: unknown, key: string) => {
    const { session, fence } = placeOf(context, key);
    return { scope: session.record.sessionKey, fence };
  };
  const api: PluginStateApi = {
    get: async (context, key) => readStateCopy(host, placeOf(context, key)),
    // Not async: the promise it answers with is the one a lease request can name as its condition.
    set: (context, key, value, options) => {
      try {
        const { expectedVersion, log } = options;
        const place = placeOf(context, key);
        const json = checkJson(value);
        if (log) checkLog(log);
        return writeStateCopy(host, place, { value, json, expectedVersion, log });
      } catch (error) {
        return Promise.reject(error);
      }
    },
    delete: async (context, key) => deleteStateCopy(host, placeOf(context, key)),
    append: async (context, key, entries) => {
      const { scope, fence } = scopeOf(context, key);
      checkLog(entries);
      await host.store.appendLog(pluginId, scope, key, entries, { fence });
    },
    log: async (context, key, { limit }) => {
      const { scope } = scopeOf(context, key);
      if (!Number.isInteger(limit) || limit < 0) {
        throw new GoalLeaseError({
          code: "invalid_state_value",
          message: `A log limit must be a whole number of entries, not ${JSON.stringify(limit)}.`,
        });
      }
      return host.store.readLog(pluginId, scope, key, { limit: Math.min(limit, maxLogEntries) });
    },
  };
  return Object.freeze(api);
}

/** At most this many entries per append, so one call cannot flush a log. */
const maxAppendEntries = 100;

function checkLog(entries: readonly JsonValue[]): void {
  if (!Array.isArray(entries) || entries.length > maxAppendEntries) {
    throw new GoalLeaseError({
      code: "invalid_state_value",
      message: `Log entries come as an array of at most ${maxAppendEntries}.`,
    });
  }
  for (const entry of entries) checkJson(entry);
}

/** The value's JSON text, or the error that says why it cannot be stored. */
function checkJson(value: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new GoalLeaseError({
      code: "invalid_state_value",
      message: `State must be JSON: ${(error as Error).message}`,
    });
  }
  if (text === undefined || text.length > maxStateChars) {
    throw new GoalLeaseError({
      code: "invalid_state_value",
      message: `State must be a JSON value of at most ${maxStateChars} characters.`,
    });
  }
  return text;
}
