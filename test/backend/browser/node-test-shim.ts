/**
 * The part of `node:test` the conformance suites use (`describe`, `it`), for running them
 * unchanged in a browser page: the bundle for Chromium (conformance.browser.test.ts) maps
 * `node:test` here. Tests are collected while the suites' modules load, then {@link runAll}
 * runs them in order (awaiting async ones) and reports every failure by its full name.
 */
type Fn = () => unknown;
interface Options {
  skip?: boolean | string;
}

interface Test {
  name: string;
  fn: Fn;
}

const tests: Test[] = [];
const path: string[] = [];
const skipping: boolean[] = [];

function args(a: unknown, b: unknown): { opts: Options; fn: Fn } {
  return typeof a === 'function' ? { opts: {}, fn: a as Fn } : { opts: (a as Options) ?? {}, fn: b as Fn };
}

/** Registers a suite: runs `fn` now to collect its tests. */
export function describe(name: string, a: Options | Fn, b?: Fn): void {
  const { opts, fn } = args(a, b);
  path.push(name);
  skipping.push(Boolean(opts.skip) || skipping.some(Boolean));
  try {
    fn();
  } finally {
    path.pop();
    skipping.pop();
  }
}

/** Registers a test. */
export function it(name: string, a: Options | Fn, b?: Fn): void {
  const { opts, fn } = args(a, b);
  if (opts.skip || skipping.some(Boolean)) return;
  tests.push({ name: [...path, name].join(' > '), fn });
}

export const test = it;

/** Outcome of {@link runAll}. */
export interface RunResult {
  passed: number;
  failed: Array<{ name: string; error: string }>;
  names: string[];
}

/** Runs every registered test in order. */
export async function runAll(): Promise<RunResult> {
  const out: RunResult = { passed: 0, failed: [], names: [] };
  for (const t of tests) {
    out.names.push(t.name);
    try {
      await t.fn();
      out.passed++;
    } catch (err) {
      out.failed.push({ name: t.name, error: String((err as Error)?.message ?? err) });
    }
  }
  return out;
}
