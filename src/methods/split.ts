import { LowRankError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { CooMatrix } from '../core/sparse.js';

/** Options of {@link splitEntries}. */
export interface SplitOptions {
  /** Fraction of the observed entries held out for testing, in [0, 1). */
  testFraction: number;
  /** Seed of the random choice (default 0). */
  seed?: number;
  /**
   * Hold out the fraction of each row (user) separately — round(F·c) of a row's c entries —
   * instead of F of all entries at random (default false). Every row with at least one entry
   * keeps at least one in training.
   */
  perRow?: boolean;
}

/** The two parts of {@link splitEntries}, each keeping the input's order. */
export interface Split {
  train: CooMatrix;
  test: CooMatrix;
}

/**
 * Splits observed entries into training and held-out parts at random, reproducibly from `seed`
 * (Fisher–Yates on the entry indices, xoshiro128**). Both parts keep the n×m shape.
 *
 * @throws {@link LowRankError} `E_ARG` when the fraction is outside [0, 1).
 * @example
 * ```ts
 * const { train, test } = splitEntries(ratings, { testFraction: 0.2, seed: 1 });
 * ```
 */
export function splitEntries(a: CooMatrix, options: SplitOptions): Split {
  const f = options.testFraction;
  if (!(f >= 0 && f < 1)) throw new LowRankError('E_ARG', `test fraction must be in [0, 1), got ${f}`);
  const rng = new Rng(options.seed ?? 0);
  const nnz = a.values.length;
  const isTest = new Uint8Array(nnz);
  if (options.perRow) {
    // group entry indices by row (stable counting sort), then pick within each row
    const start = new Int32Array(a.rows + 1);
    for (let e = 0; e < nnz; e++) start[a.row[e] + 1]++;
    for (let i = 0; i < a.rows; i++) start[i + 1] += start[i];
    const next = start.slice(0, a.rows);
    const byRow = new Int32Array(nnz);
    for (let e = 0; e < nnz; e++) byRow[next[a.row[e]]++] = e;
    for (let i = 0; i < a.rows; i++) {
      const lo = start[i];
      const c = start[i + 1] - lo;
      const t = Math.min(c - 1, Math.round(f * c));
      partialShuffle(byRow, lo, c, t, rng);
      for (let q = 0; q < t; q++) isTest[byRow[lo + q]] = 1;
    }
  } else {
    const idx = new Int32Array(nnz);
    for (let e = 0; e < nnz; e++) idx[e] = e;
    const t = Math.round(f * nnz);
    partialShuffle(idx, 0, nnz, t, rng);
    for (let q = 0; q < t; q++) isTest[idx[q]] = 1;
  }
  return { train: select(a, isTest, 0), test: select(a, isTest, 1) };
}

/** Moves a uniformly random t-subset of x[lo .. lo+c) to its front (Fisher–Yates prefix). */
function partialShuffle(x: Int32Array, lo: number, c: number, t: number, rng: Rng): void {
  for (let q = 0; q < t; q++) {
    const r = q + rng.int(c - q);
    const tmp = x[lo + q];
    x[lo + q] = x[lo + r];
    x[lo + r] = tmp;
  }
}

function select(a: CooMatrix, flag: Uint8Array, want: number): CooMatrix {
  let count = 0;
  for (let e = 0; e < flag.length; e++) if (flag[e] === want) count++;
  const row = new Int32Array(count);
  const col = new Int32Array(count);
  const values = new Float64Array(count);
  let p = 0;
  for (let e = 0; e < flag.length; e++) {
    if (flag[e] !== want) continue;
    row[p] = a.row[e];
    col[p] = a.col[e];
    values[p] = a.values[e];
    p++;
  }
  return { rows: a.rows, cols: a.cols, row, col, values };
}
