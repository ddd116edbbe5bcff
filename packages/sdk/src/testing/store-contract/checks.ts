import assert from "node:assert/strict";
import { GoalLeaseError, SessionOwnedError } from "../../errors.js";

// The contract's assertions, on node:assert alone, so the suite runs under any test runner.

/** Deep equality of stored data, which is plain JSON: a key whose value is undefined counts as absent. */
export function same(actual: unknown, expected: unknown, what: string): void {
  assert.deepStrictEqual(plain(actual), plain(expected), what);
}

/** `actual` is an object with `expected`'s keys at the same values (other keys not compared). */
export function like(actual: unknown, expected: Record<string, unknown>, what: string): void {
  if (typeof actual !== "object" || actual === null)
    assert.fail(`${what}: expected an object, got ${show(actual)}`);
  const picked = Object.fromEntries(
    Object.keys(expected).map((key) => [key, (actual as Record<string, unknown>)[key]]),
  );
  same(picked, expected, what);
}

/** Sorted copies of `values`, for a list whose order the contract leaves open. */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

/** The error `call` rejects with; fails if it resolves, or throws instead of returning a rejected promise. */
export async function rejection(call: () => Promise<unknown>, what: string): Promise<unknown> {
  let result: Promise<unknown>;
  try {
    result = call();
  } catch (error) {
    assert.fail(`${what} threw ${show(error)} instead of returning a rejected promise`);
  }
  try {
    await result;
  } catch (error) {
    return error;
  }
  assert.fail(`${what} resolved; it must be refused`);
}

/** `call` is refused with the SDK's SessionOwnedError: a write for a session this writer does not own. */
export async function refusedAsOwned(call: () => Promise<unknown>, what: string): Promise<void> {
  const error = await rejection(call, what);
  assert.ok(
    error instanceof SessionOwnedError,
    `${what} was refused with ${show(error)}; a write whose fence is not the session's owner is refused with a SessionOwnedError`,
  );
}

/** `call` is refused with a GoalLeaseError of `code` and a one-line message. */
export async function refusedWith(code: string, call: () => Promise<unknown>, what: string): Promise<void> {
  const error = await rejection(call, what);
  assert.ok(
    error instanceof GoalLeaseError && error.code === code && !error.message.includes("\n"),
    `${what} was refused with ${show(error)}, not a GoalLeaseError of code ${code} and a one-line message`,
  );
}

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function show(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}
