import { frozenCopy } from "../frozen-copy.js";
import type { TranscriptEntry } from "../store.js";

/** The transcripts of a {@link MemoryStore}: frozen copies, safe to share. */
export class MemoryTranscript {
  readonly #transcripts = new Map<string, TranscriptEntry[]>();

  appendTranscript(sessionKey: string, entries: readonly TranscriptEntry[]): void {
    const transcript = this.#transcripts.get(sessionKey) ?? [];
    transcript.push(...entries.map(frozenCopy));
    this.#transcripts.set(sessionKey, transcript);
  }

  /** The last `limit` entries of `generation`, oldest first. */
  readTranscript(sessionKey: string, options: { generation: number; limit: number }): TranscriptEntry[] {
    // Walk back from the newest entry, so a turn costs its window, not the session's whole history.
    const transcript = this.#transcripts.get(sessionKey) ?? [];
    const window: TranscriptEntry[] = [];
    for (let index = transcript.length - 1; index >= 0 && window.length < options.limit; index--) {
      const entry = transcript[index];
      if (entry?.generation === options.generation) window.push(entry);
    }
    return window.reverse();
  }
}
