import type { JsonValue } from "../../json.js";
import type { Fence, StateEntry, StateWriteResult } from "../../store/store.js";
import type { SessionState } from "../sessions/session-state.js";
import type { PluginHost } from "./plugin-host.js";

/** A plugin's state value as the owner last read or wrote it: JSON text (absent: undefined) and its version. */
interface StateCopy {
  json: string | undefined;
  version: number;
}

/** Where a plugin's state value of one session lives, and the claim the call is made under. */
export interface StatePlace {
  session: SessionState;
  fence: Fence;
  pluginId: string;
  key: string;
}

const slotOf = (place: StatePlace) => `state\u0000${place.pluginId}\u0000${place.key}`;

/** A fresh copy of the value, from the owner's copy when it holds one, else from the store (and kept). */
export async function readStateCopy(host: PluginHost, place: StatePlace): Promise<StateEntry | undefined> {
  const copies = host.copies.of(place.session, place.fence);
  const slot = slotOf(place);
  const held = copies?.peek<StateCopy>(slot);
  if (held)
    return held.json === undefined ? undefined : { value: JSON.parse(held.json), version: held.version };
  const ticket = copies?.reading(slot) ?? 0;
  const entry = await host.store.readState(place.pluginId, place.session.record.sessionKey, place.key);
  copies?.read(slot, ticket, {
    json: entry ? JSON.stringify(entry.value) : undefined,
    version: entry?.version ?? 0,
  } satisfies StateCopy);
  return entry;
}

/** A state write a plugin was answered with: where, the version it gives if it writes, and the store's write. */
export interface StateWriteOnItsWay {
  place: StatePlace;
  version: number;
  stored: Promise<StateWriteResult>;
}

/** The plugins' state writes by the promise each was answered with, so a lease can be made to follow one. */
const writes = new WeakMap<Promise<StateWriteResult>, StateWriteOnItsWay>();

/** The state write `answer` stands for, if it is one a plugin was answered with. */
export function stateWriteOf(answer: unknown): StateWriteOnItsWay | undefined {
  return answer instanceof Promise ? writes.get(answer) : undefined;
}

/** A compare-and-set write; the owner's copy becomes what was written once it is committed. */
export function writeStateCopy(
  host: PluginHost,
  place: StatePlace,
  write: { value: JsonValue; json: string; expectedVersion: number; log?: readonly JsonValue[] },
): Promise<StateWriteResult> {
  const { session, fence, pluginId, key } = place;
  const copies = host.copies.of(session, fence);
  const slot = slotOf(place);
  const ticket = copies?.writing(slot) ?? 0;
  const { value, expectedVersion, log } = write;
  const stored = host.store.writeState(pluginId, session.record.sessionKey, key, value, expectedVersion, {
    fence,
    log,
    json: write.json,
  });
  const answer = stored.then(
    (result) => {
      if (result.status === "written") {
        copies?.wrote(slot, ticket, { json: write.json, version: result.version } satisfies StateCopy);
      } else copies?.drop(slot);
      return result;
    },
    (error: unknown) => {
      // Refused (a stale claim) or failed: the store is the only one who knows now.
      copies?.drop(slot);
      throw error;
    },
  );
  writes.set(answer, { place, version: expectedVersion + 1, stored });
  return answer;
}

/** Deletes the value and its log; the owner's copy becomes "absent" once that is committed. */
export async function deleteStateCopy(host: PluginHost, place: StatePlace): Promise<void> {
  const { session, fence, pluginId, key } = place;
  const copies = host.copies.of(session, fence);
  const slot = slotOf(place);
  const ticket = copies?.writing(slot) ?? 0;
  try {
    await host.store.deleteState(pluginId, session.record.sessionKey, key, { fence });
    copies?.wrote(slot, ticket, { json: undefined, version: 0 } satisfies StateCopy);
  } catch (error) {
    copies?.drop(slot);
    throw error;
  }
}
