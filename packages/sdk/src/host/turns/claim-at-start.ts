import type { Fence, LeaseRecord, TranscriptEntry } from "../../store/store.js";
import type { ClaimAtStart } from "../leases/admission.js";
import type { SessionState } from "../sessions/session-state.js";
import { appendToTranscript } from "./transcript-window.js";
import type { TurnHost } from "./turn-host.js";

/**
 * Sends a continuation's claim with its input (none: a turn that cannot make its first model call records
 * nothing); undefined when admission says the turn does not start after all. Called once no change of the
 * session's leases is on its way; the caller announces the turn's start with nothing awaited in between.
 * `ready` resolves once the claim and the input are answered, with whether the turn goes on to its model
 * (false: the lease was no longer pending), and rejects if the store failed.
 */
export function sendClaim(
  host: TurnHost,
  session: SessionState,
  claim: ClaimAtStart,
  turn: { lease: LeaseRecord; fence: Fence | undefined },
  input: TranscriptEntry | undefined,
): { ready: Promise<boolean> } | undefined {
  if (!claim.begin()) return undefined;
  const { lease, fence } = turn;
  const claiming = host.store.claimLease(lease, lease.id, { fence });
  const recorded = input && appendToTranscript(host, session, [input], fence, claiming);
  // Not written when the claim is not: that is the claim's answer, not a failure of its own.
  recorded?.catch(() => undefined);
  const ready = claiming.then(async (claimed) => {
    if (!claim.answered(claimed)) return false;
    await recorded;
    return true;
  });
  // Awaited once the turn's start is announced; a failure meanwhile is not unhandled.
  ready.catch(() => undefined);
  return { ready };
}
