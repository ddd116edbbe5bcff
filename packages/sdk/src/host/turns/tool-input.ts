import type { ModelToolCall } from "../../model.js";

/** The deepest nesting of objects and arrays a tool input may have. */
export const maxToolInputDepth = 32;

/** A tool call read once into plain data: what the transcript keeps and what the tool's schema sees. */
export interface ReadToolCall {
  /** The call with its input as a JSON copy, or `{}` when the input could not be read as JSON. */
  call: ModelToolCall;
  /** Why the input cannot be used, or undefined if it can. */
  problem: string | undefined;
}

/**
 * Reads a tool call's input once, as JSON: it must be an object, nested no deeper than
 * {@link maxToolInputDepth}, and no longer than `maxChars` as JSON. The input may be anything a custom model
 * or an embedding host made (getters or a `toJSON` that throw, a Proxy, a cycle, a BigInt); from here on
 * only the plain copy is used, so nothing later (the schema, the store, sizing the next request) runs the
 * model's code again or finds something it cannot serialize. The nesting is checked without recursion
 * before anything recursive sees the input, so a hostile nesting cannot overflow the call stack.
 */
export function readToolCall(call: ModelToolCall, maxChars: number): ReadToolCall {
  const read = readInput(call.input, maxChars);
  return { call: { id: call.id, name: call.name, input: read.input }, problem: read.problem };
}

function readInput(input: unknown, maxChars: number): { input: unknown; problem: string | undefined } {
  let text: string | undefined;
  try {
    if (nestsTooDeep(input, maxChars)) return { input: {}, problem: tooDeep };
    text = JSON.stringify(input);
  } catch {
    return { input: {}, problem: "input must be JSON" };
  }
  if (text === undefined) return { input: {}, problem: notAnObject };
  const copy: unknown = JSON.parse(text);
  // A toJSON may have turned the input into anything, a nesting too deep included.
  if (nestsTooDeep(copy, maxChars)) return { input: {}, problem: tooDeep };
  if (typeof copy !== "object" || copy === null || Array.isArray(copy)) {
    return { input: copy, problem: notAnObject };
  }
  if (text.length > maxChars) {
    return { input: copy, problem: `input must be a JSON object of at most ${maxChars} characters` };
  }
  return { input: copy, problem: undefined };
}

const notAnObject = "input must be a JSON object";
const tooDeep = `input must not nest deeper than ${maxToolInputDepth} levels`;

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
