import type { ModelToolCall } from "../../model.js";

/** The deepest nesting of objects and arrays a tool input may have. */
export const maxToolInputDepth = 32;

/**
 * Why a model's tool input cannot be used, or undefined if it can: not an object, nested deeper than
 * {@link maxToolInputDepth}, or longer than `maxChars` as JSON. The nesting is checked first, without
 * recursion, before anything recursive (serialization, schema validation, the store) sees the input, so a
 * hostile nesting cannot overflow the call stack.
 */
export function toolInputProblem(input: unknown, maxChars: number): string | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return "input must be a JSON object";
  }
  if (nestsTooDeep(input, maxChars)) return `input must not nest deeper than ${maxToolInputDepth} levels`;
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

/**
 * A tool call as the transcript keeps it: an input nested too deep is replaced, so nothing downstream (the
 * store, an adapter sending it back) recurses into it. Other refused inputs are kept as the model sent them.
 */
export function storableToolCall(call: ModelToolCall, maxChars: number): ModelToolCall {
  return nestsTooDeep(call.input, maxChars) ? { ...call, input: {} } : call;
}

/** Whether `value` nests deeper than the limit: an explicit stack bounded by `maxNodes`, never recursion. */
function nestsTooDeep(value: unknown, maxNodes: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let visited = 0; stack.length > 0 && visited < maxNodes; visited++) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== "object" || node === null) continue;
    if (depth > maxToolInputDepth) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
