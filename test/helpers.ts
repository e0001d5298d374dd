/** Helpers shared by the test files. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { LowRankError, type LowRankErrorCode } from '../src/core/errors.js';
import type { Matrix } from '../src/core/matrix.js';

/** Asserts `fn` throws a one-line LowRankError with `code` whose message contains every `parts`. */
export function assertLowRankError(fn: () => unknown, code: LowRankErrorCode, ...parts: string[]): LowRankError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  return checkLowRankError(caught, code, parts);
}

/** Awaits `p` and asserts it rejects with a one-line LowRankError with `code` whose message contains every `parts`. */
export async function assertLowRankRejects(p: Promise<unknown>, code: LowRankErrorCode, ...parts: string[]): Promise<LowRankError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  return checkLowRankError(caught, code, parts);
}

function checkLowRankError(caught: unknown, code: LowRankErrorCode, parts: readonly string[]): LowRankError {
  assert.ok(caught instanceof LowRankError, `expected a LowRankError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(!caught.message.includes('\n'), `message is one line: ${JSON.stringify(caught.message)}`);
  for (const p of parts) assert.ok(caught.message.includes(p), `message ${JSON.stringify(caught.message)} should contain ${JSON.stringify(p)}`);
  return caught;
}

/** max |XᵀX − I| for the columns of X (n×r). */
export function columnOrthonormalityError(x: Matrix): number {
  const { rows: n, cols: r, data } = x;
  let worst = 0;
  for (let p = 0; p < r; p++) {
    for (let q = p; q < r; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * r + p] * data[i * r + q];
      worst = Math.max(worst, Math.abs(s - (p === q ? 1 : 0)));
    }
  }
  return worst;
}

/** A numpy-made SVD fixture (test/fixtures/generate_svd.py): A row-major and numpy's singular values. */
export interface SvdFixture {
  name: string;
  rows: number;
  cols: number;
  a: number[];
  s: number[];
}

/** Every SVD fixture, sorted by file name. */
export function loadSvdFixtures(): SvdFixture[] {
  const dir = new URL('./fixtures/svd/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as SvdFixture);
}
