import type { ModelToolCall } from "../model.js";

/** The deepest nesting of objects and arrays a tool input may have. */
export const maxToolInputDepth = 32;

/**
 * Why a model's tool input cannot be used, or undefined if it can: not an object, nested deeper than
 * {@link maxToolInputDepth}, or longer than `maxChars` as JSON. Checked with an explicit stack, before anything
 * recursive (serialization, schema validation, the store) sees the input, so a hostile nesting cannot
 * overflow the call stack.
 */
export function toolInputProblem(input: unknown, maxChars: number): string | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return "input must be a JSON object";
  const stack: [unknown, number][] = [[input, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== "object" || value === null) continue;
    if (depth > maxToolInputDepth) return `input must not nest deeper than ${maxToolInputDepth} levels`;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
    if (stack.length > maxChars) break;
  }
  let size: number | undefined;
  try {
    size = JSON.stringify(input)?.length;
  } catch {
    return "input must be JSON";
  }
  return size === undefined || size > maxChars
    ? `input must be a JSON object of at most ${maxChars} characters`
    : undefined;
}

/** A tool call as the transcript keeps it: an unusable input is replaced, so nothing downstream recurses into it. */
export function storableToolCall(call: ModelToolCall, problem: string | undefined): ModelToolCall {
  return problem === undefined ? call : { ...call, input: {} };
}
