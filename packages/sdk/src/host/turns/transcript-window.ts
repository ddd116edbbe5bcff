import { deepFreeze, frozenCopy } from "../../store/frozen-copy.js";
import type { Fence, TranscriptEntry } from "../../store/store.js";
import type { PluginHost } from "../plugins/plugin-host.js";
import type { SessionState } from "../sessions/session-state.js";

/** The last entries of the session's generation as the owner knows them; `whole` when they are all of it. */
interface WindowCopy {
  entries: readonly TranscriptEntry[];
  whole: boolean;
}

const slot = "transcript";

/**
 * The last `limit` entries of the session's current generation, oldest first: from the owner's copy when
 * it holds enough of them, else from the store (and kept).
 */
export async function readWindow(
  host: PluginHost & { limits: { transcriptWindow: number } },
  session: SessionState,
  fence: Fence | undefined,
  limit: number,
): Promise<readonly TranscriptEntry[]> {
  const copies = host.copies.of(session, fence);
  const held = copies?.peek<WindowCopy>(slot);
  if (held && (held.whole || held.entries.length >= limit)) return held.entries.slice(-limit);
  const ticket = copies?.reading(slot) ?? 0;
  const { sessionKey, generation } = session.record;
  const entries = await host.store.readTranscript(sessionKey, { generation, limit });
  // The copy keeps no more than the host's window: a longer read is served, not kept whole.
  // What the store answered is this call's own: frozen in place, it can be shared with later turns.
  const kept = entries.slice(-host.limits.transcriptWindow).map(deepFreeze);
  copies?.read(slot, ticket, {
    entries: kept,
    whole: entries.length < limit && kept.length === entries.length,
  });
  return entries;
}

/**
 * Appends to the session's transcript under `fence` (with `after`, only if that write applies); the
 * owner's copy grows with it once it is committed.
 */
export async function appendToTranscript(
  host: PluginHost & { limits: { transcriptWindow: number } },
  session: SessionState,
  entries: readonly TranscriptEntry[],
  fence: Fence | undefined,
  after?: Promise<unknown>,
): Promise<void> {
  const copies = host.copies.of(session, fence);
  const before = copies?.peek<WindowCopy>(slot);
  const ticket = copies?.writing(slot) ?? 0;
  try {
    await host.store.appendTranscript(
      session.record.sessionKey,
      entries,
      after ? { fence, after } : { fence },
    );
  } catch (error) {
    copies?.drop(slot);
    throw error;
  }
  if (!before || entries.some((entry) => entry.generation !== session.record.generation)) return;
  const all = [...before.entries, ...entries.map(frozen)];
  const window = host.limits.transcriptWindow;
  const kept = all.length > window ? all.slice(-window) : all;
  copies?.wrote(slot, ticket, { entries: kept, whole: before.whole && kept.length === all.length });
}

/** A copy the turns that read it cannot change, nor the code that made it change under them. */
function frozen(entry: TranscriptEntry): TranscriptEntry {
  return Object.isFrozen(entry) ? entry : frozenCopy(entry);
}
