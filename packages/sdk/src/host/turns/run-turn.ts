import { randomUUID } from "node:crypto";
import { type Span, SpanKind } from "@opentelemetry/api";
import type { ModelMessage } from "../../model.js";
import type { TurnCeiling, TurnUsage } from "../../plugin.js";
import { type ModelPrice, priceOf } from "../../pricing/price-table.js";
import type { Sender } from "../../session-context.js";
import type { LeaseRecord, TranscriptEntry } from "../../store/store.js";
import { takeLeaseContext, tracer } from "../../tracing/tracer.js";
import type { ClaimAtStart } from "../leases/admission.js";
import type { RegisteredTool } from "../plugins/plugin-registry.js";
import type { SessionState, TurnIdentity } from "../sessions/session-state.js";
import type { TurnResult } from "../sessions/turn-result.js";
import { sendClaim } from "./claim-at-start.js";
import { type LoopResult, runModelLoop } from "./model-loop.js";
import { buildPrompt, offeredTools } from "./prompt.js";
import { fitUnderCeiling } from "./token-ceiling.js";
import { appendToTranscript } from "./transcript-window.js";
import type { TurnHost } from "./turn-host.js";
import { announceTurnEnd, announceTurnStart, hostError, turnInvocation } from "./turn-notices.js";
import { describeTurnEnd, describeTurnStart } from "./turn-span.js";

/** The input that starts a turn: a person's text, or an admitted continuation lease its turn claims. */
export type TurnInput =
  | { kind: "user"; text: string; sender: Sender }
  | { kind: "continuation"; lease: LeaseRecord; ceiling?: TurnCeiling; claim: ClaimAtStart };

/** A turn that ran, and whether its end is on record: its reply written and every turn-end hook done. */
export interface RanTurn {
  result: TurnResult;
  recorded: boolean;
}

/**
 * Runs one turn: prompt, model, tool calls with fresh contexts, looped up to the host's bound; then the
 * usage record, the `turn-end` event and every plugin's turn-end hook. Model failures end the turn, not
 * the session. A continuation claims its lease as its turn starts, once its prompt is built, and announces
 * its start then: undefined when it did not start (withdrawn, or given way to a person's message).
 */
export function runTurn(
  host: TurnHost,
  session: SessionState,
  input: TurnInput & { kind: "user" },
): Promise<RanTurn>;
export function runTurn(
  host: TurnHost,
  session: SessionState,
  input: TurnInput,
): Promise<RanTurn | undefined>;
export async function runTurn(
  host: TurnHost,
  session: SessionState,
  input: TurnInput,
): Promise<RanTurn | undefined> {
  // A continuation's span is a child of what requested its lease (a goal's span), not of what runs it now.
  const parent = takeLeaseContext(input.kind === "continuation" ? input.lease.id : undefined);
  return tracer().startActiveSpan("invoke_agent goal-lease", { kind: SpanKind.INTERNAL }, parent, (span) =>
    tracedTurn(host, session, input, span).finally(() => span.end()),
  );
}

async function tracedTurn(
  host: TurnHost,
  session: SessionState,
  input: TurnInput,
  span: Span,
): Promise<RanTurn | undefined> {
  const turnId = randomUUID();
  const startedAt = host.clock.now();
  const { sessionKey, generation } = session.record;
  const lease = input.kind === "continuation" ? input.lease : undefined;
  const sender =
    input.kind === "user" ? input.sender : { id: `lease:${input.lease.pluginId}`, isOwner: false };
  // The claim the turn starts under: if this process loses the session meanwhile, none of it is written.
  const fence = session.fence;
  const identity: TurnIdentity = { turnId, kind: input.kind, lease, sender, generation, fence };
  if (span.isRecording()) describeTurnStart(host, span, { sessionKey, turnId, lease, startedAt });
  const claim = input.kind === "continuation" ? input.claim : undefined;
  // A person's turn starts now; a continuation's once its claim is sent, below.
  if (!claim) await announceTurnStart(host, session, identity);

  const entry = (message: ModelMessage): TranscriptEntry => ({
    generation,
    turnId,
    at: host.clock.now(),
    message,
  });
  const inputMessage: ModelMessage =
    input.kind === "user"
      ? { role: "user", origin: "user", content: input.text }
      : { role: "user", origin: "continuation", content: input.lease.message };
  const invocation = turnInvocation(identity);
  const model = host.model.id;
  const usage: TurnUsage = {
    inputTokens: 0,
    outputTokens: 0,
    durationMs: 0,
    modelCalls: 0,
    model,
    costUsd: 0,
  };
  const loop: LoopResult = { outcome: { status: "completed" }, text: "", toolCalls: [], produced: [] };
  let reply: Promise<void> | undefined;
  let started = false;
  const ceiling = input.kind === "continuation" ? bounded(input.ceiling) : undefined;
  const price = priceOf(host.prices, model);
  try {
    const { system, history } = await buildPrompt(host, session, invocation);
    const tools = await offeredTools(host, session, invocation);
    const messages = [...history, inputMessage];
    const fit =
      ceiling === undefined
        ? undefined
        : fitFirstCall(host, session, { system, messages, tools }, usage, ceiling, price);
    // The input is on record before the model sees it, so a crash mid-turn never loses what the user typed.
    // The input is dated when the turn started: for a continuation, the moment it was admitted. A turn that
    // cannot make its first model call records none, so no later turn reads it as unanswered.
    const fits = !(fit && "outcome" in fit);
    const record = fits ? { ...entry(inputMessage), at: startedAt, leaseId: lease?.id } : undefined;
    if (claim && lease) {
      // A request or a clear of the session's leases on its way may replace or withdraw this one: it lands first.
      for (let done = session.leaseChangesDone(); done; done = session.leaseChangesDone()) await done;
      const sent = sendClaim(host, session, claim, { lease, fence }, record);
      if (!sent) return undefined;
      started = true;
      await announceTurnStart(host, session, identity);
      if (!(await sent.ready))
        throw new Error("its lease was no longer pending, so its model was not called");
    } else if (record) await appendToTranscript(host, session, [record], fence);
    if (fit && "outcome" in fit) {
      loop.outcome = fit.outcome;
    } else {
      await runModelLoop(
        host,
        { session, turnId, system, messages, tools, usage, ceiling, price, firstFit: fit, entry, invocation },
        loop,
      );
    }
    // Not awaited before the turn-end hooks: the reply goes to the store with what they write (one group
    // commit). Their accounts and the reply are the turn's end on record only together (`recorded`).
    if (loop.produced.length > 0) {
      reply = appendToTranscript(host, session, loop.produced, fence);
      // Its failure is told once the hooks have run; meanwhile it is not unhandled.
      reply.catch(() => undefined);
    }
  } catch (error) {
    // Before a claiming continuation started, there is no turn to end: its lease was not claimed.
    if (claim && !started) throw error;
    // A host fault (usually the store) still ends the turn properly, so plugins hear of it and nothing is stuck.
    loop.outcome = hostError(error);
  }
  const { text, toolCalls } = loop;
  usage.durationMs = host.clock.now() - startedAt;
  // A reply not on record leaves the turn's end off the record: its lease stays started, and recovery tells
  // its plugin the turn was interrupted (a plugin counts a turn once, by its lease).
  const { hooksEnded, outcome } = await announceTurnEnd(
    host,
    session,
    identity,
    { outcome: loop.outcome, usage, toolCalls, text },
    reply,
  );
  if (span.isRecording()) describeTurnEnd(span, outcome, usage);
  const hostFailed = outcome.status === "error" && outcome.kind === "host_error";
  return { result: { turnId, kind: input.kind, outcome, text, usage }, recorded: hooksEnded && !hostFailed };
}

function fitFirstCall(
  host: TurnHost,
  session: SessionState,
  prompt: { system: string; messages: ModelMessage[]; tools: ReadonlyMap<string, RegisteredTool> },
  usage: TurnUsage,
  ceiling: TurnCeiling,
  price: ModelPrice | undefined,
) {
  const tools = [...prompt.tools.values()].map((tool) => tool.modelSchema);
  return fitUnderCeiling(host, session, { ...prompt, tools }, usage, ceiling, price);
}

/** The ceilings a continuation was admitted with, or undefined when it has none. */
function bounded(ceiling: TurnCeiling | undefined): TurnCeiling | undefined {
  return ceiling?.maxTokens === undefined && ceiling?.maxCostUsd === undefined ? undefined : ceiling;
}
