import type { JsonValue } from "../../json.js";
import { maxLogEntries, type StateEntry, type StateWriteResult } from "../store.js";

const stateId = (pluginId: string, scope: string, key: string) => JSON.stringify([pluginId, scope, key]);

/**
 * The plugin state and logs of a {@link MemoryStore}, kept as JSON text, so every read is a fresh copy the
 * caller may change.
 */
export class MemoryState {
  readonly #state = new Map<string, { json: string; version: number }>();
  readonly #logs = new Map<string, string[]>();

  readState(pluginId: string, scope: string, key: string): StateEntry | undefined {
    return toEntry(this.#state.get(stateId(pluginId, scope, key)));
  }

  /** The stored version of a key: 0 while it does not exist. */
  version(pluginId: string, scope: string, key: string): number {
    return this.#state.get(stateId(pluginId, scope, key))?.version ?? 0;
  }

  /** Compare-and-set: writes (and appends `log`) only while the stored version is `expectedVersion`. */
  writeState(
    state: { pluginId: string; scope: string; key: string; json: string },
    expectedVersion: number,
    log: readonly JsonValue[] | undefined,
  ): StateWriteResult {
    const id = stateId(state.pluginId, state.scope, state.key);
    const current = this.#state.get(id);
    if ((current?.version ?? 0) !== expectedVersion) return { status: "conflict", current: toEntry(current) };
    const version = expectedVersion + 1;
    this.#state.set(id, { json: state.json, version });
    if (log) this.#append(id, log);
    return { status: "written", version };
  }

  /** Deletes the value and its log; whether there was a value. */
  deleteState(pluginId: string, scope: string, key: string): boolean {
    const id = stateId(pluginId, scope, key);
    this.#logs.delete(id);
    return this.#state.delete(id);
  }

  appendLog(pluginId: string, scope: string, key: string, entries: readonly JsonValue[]): void {
    this.#append(stateId(pluginId, scope, key), entries);
  }

  /** The last `limit` entries of a log, oldest first; fresh copies. */
  readLog(pluginId: string, scope: string, key: string, limit: number): JsonValue[] {
    const log = this.#logs.get(stateId(pluginId, scope, key)) ?? [];
    return (limit > 0 ? log.slice(-limit) : []).map((json) => JSON.parse(json) as JsonValue);
  }

  #append(id: string, entries: readonly JsonValue[]): void {
    const log = this.#logs.get(id) ?? [];
    log.push(...entries.map((entry) => JSON.stringify(entry)));
    if (log.length > maxLogEntries) log.splice(0, log.length - maxLogEntries);
    this.#logs.set(id, log);
  }
}

function toEntry(stored: { json: string; version: number } | undefined): StateEntry | undefined {
  return stored && { value: JSON.parse(stored.json) as JsonValue, version: stored.version };
}
