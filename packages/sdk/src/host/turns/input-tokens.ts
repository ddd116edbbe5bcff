import type { Model, ModelRequest } from "../../model.js";

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

function requestBytes(request: ModelRequest): number {
  const { system, messages, tools } = request;
  return Buffer.byteLength(JSON.stringify({ system, messages, tools }));
}
