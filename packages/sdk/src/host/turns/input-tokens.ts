import type { Model, ModelMessage, ModelRequest, ModelToolSchema } from "../../model.js";
import type { SessionState } from "../sessions/session-state.js";

// Before a session's first call has been measured: about 3 bytes a token, more than most prose and code
// take, so a first estimate errs toward not starting a call that would pass a ceiling.
const firstTokensPerByte = 1 / 3;
// A measured rate is raised by this much, since the next request is not the one that was measured.
const margin = 1.1;

/**
 * Estimates the input tokens of model calls for one session: the model's own count when it has one, else
 * the request's size at the rate its last measured call was charged (the provider's own count, so the
 * estimate follows the model's tokenizer and the session's language).
 */
export class InputTokenEstimator {
  #tokensPerByte = firstTokensPerByte;
  #measured = false;
  /** The size of the request last estimated by size, until the provider's count for it is known. */
  #estimatedBytes: number | undefined;

  estimate(model: Model, request: ModelRequest): number {
    this.#estimatedBytes = undefined;
    const counted = model.countInputTokens?.(request);
    if (counted !== undefined && Number.isFinite(counted) && counted >= 0) return Math.ceil(counted);
    const bytes = requestBytes(request);
    this.#estimatedBytes = bytes;
    return Math.ceil(bytes * (this.#measured ? this.#tokensPerByte * margin : this.#tokensPerByte));
  }

  /** Learns the rate from what the provider charged for the request last estimated by its size. */
  measure(inputTokens: number): void {
    const bytes = this.#estimatedBytes;
    this.#estimatedBytes = undefined;
    if (bytes === undefined || bytes === 0 || !(inputTokens > 0)) return;
    this.#tokensPerByte = inputTokens / bytes;
    this.#measured = true;
  }
}

// Kept here rather than on the session's state, so the session layer need not know how turns are sized;
// weakly, so an estimator goes with its session.
const estimators = new WeakMap<SessionState, InputTokenEstimator>();

/** What this session's model calls are charged for their input, learned from the calls made. */
export function inputTokensOf(session: SessionState): InputTokenEstimator {
  let estimator = estimators.get(session);
  if (!estimator) {
    estimator = new InputTokenEstimator();
    estimators.set(session, estimator);
  }
  return estimator;
}

// What a message costs beyond its text in a provider's request: its role and framing.
const messageFraming = 16;
const schemaBytes = new WeakMap<ModelToolSchema, number>();

/**
 * The request's size in UTF-8 bytes, counted part by part rather than serialized whole: a goal turn sizes
 * its request before every call, and the tools' schemas are the same objects turn after turn.
 */
function requestBytes(request: ModelRequest): number {
  let bytes = Buffer.byteLength(request.system);
  for (const message of request.messages) bytes += messageBytes(message);
  for (const tool of request.tools) {
    let size = schemaBytes.get(tool);
    if (size === undefined) {
      size = Buffer.byteLength(JSON.stringify(tool));
      schemaBytes.set(tool, size);
    }
    bytes += size;
  }
  return bytes;
}

const messageSizes = new WeakMap<ModelMessage, number>();

/**
 * A message's size in a request. A frozen one is sized once: the transcript window's messages are frozen
 * through and through, and the same objects come back turn after turn.
 */
function messageBytes(message: ModelMessage): number {
  let bytes = messageSizes.get(message);
  if (bytes !== undefined) return bytes;
  bytes = messageFraming + Buffer.byteLength(message.content);
  if (message.role === "tool")
    bytes += Buffer.byteLength(message.toolCallId) + Buffer.byteLength(message.toolName);
  if (message.role === "assistant") {
    for (const call of message.toolCalls) {
      bytes += messageFraming + Buffer.byteLength(call.id) + Buffer.byteLength(call.name);
      bytes += Buffer.byteLength(JSON.stringify(call.input) ?? "");
    }
  }
  if (Object.isFrozen(message)) messageSizes.set(message, bytes);
  return bytes;
}
