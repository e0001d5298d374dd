/**
 * The part of `node:assert/strict` the conformance suites use, for the browser bundle
 * (conformance.browser.test.ts maps `node:assert/strict` here). Same strict semantics:
 * `equal` is `Object.is`, `deepEqual` compares structure with `Object.is` on leaves.
 */
class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

function deepEq(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type ErrorCheck = ((e: unknown) => boolean) | RegExp | Record<string, unknown> | (new (...a: never[]) => unknown);

function matches(err: unknown, check: ErrorCheck | undefined): boolean {
  if (check === undefined) return true;
  if (check instanceof RegExp) return check.test(String((err as Error)?.message ?? err));
  if (typeof check === 'function') {
    if (check.prototype !== undefined && err instanceof (check as new () => unknown)) return true;
    return (check as (e: unknown) => boolean)(err) === true;
  }
  return Object.entries(check).every(([k, v]) => {
    const got = (err as Record<string, unknown>)[k];
    return v instanceof RegExp ? v.test(String(got)) : deepEq(got, v);
  });
}

const assert = {
  ok(value: unknown, message?: string): void {
    if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${String(value)}`);
  },
  equal(actual: unknown, expected: unknown, message?: string): void {
    if (!Object.is(actual, expected)) throw new AssertionError(message ? `${message}: ${String(actual)} !== ${String(expected)}` : `${String(actual)} !== ${String(expected)}`);
  },
  deepEqual(actual: unknown, expected: unknown, message?: string): void {
    if (!deepEq(actual, expected)) throw new AssertionError(message ?? `not deep-equal: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
  },
  fail(message?: string): never {
    throw new AssertionError(message ?? 'failed');
  },
  throws(fn: () => unknown, check?: ErrorCheck, message?: string): void {
    try {
      fn();
    } catch (err) {
      if (!matches(err, check)) throw new AssertionError(message ?? `unexpected error: ${String((err as Error)?.message ?? err)}`);
      return;
    }
    throw new AssertionError(message ?? 'expected the function to throw');
  },
};

export default assert;
