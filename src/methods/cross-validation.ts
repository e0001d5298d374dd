import { LowRankError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { CooMatrix } from '../core/sparse.js';
import type { Split } from './split.js';
import { checkInteger } from './validate.js';

/** Default number of cross-validation folds (5, as MovieLens-100K's canonical u1…u5 and Surprise's `cross_validate`). */
export const DEFAULT_FOLDS = 5;

/** Options of {@link kFoldSplits}. */
export interface KFoldOptions {
  /** Number of folds K ≥ 2 (default {@link DEFAULT_FOLDS}). */
  folds?: number;
  /** Seed of the random assignment of entries to folds (default 0). */
  seed?: number;
}

/**
 * K-fold cross-validation splits of observed entries: the entries are shuffled once (Fisher–Yates
 * from `seed`) and dealt into K folds of sizes differing by at most one; split f holds fold f out
 * and trains on the other K − 1 — as scikit-learn's `KFold(shuffle=True)` and Surprise's
 * `KFold`, and like the five canonical MovieLens-100K splits (u1…u5: 80%/20%, disjoint tests).
 * Every entry is held out exactly once. Both parts keep the n×m shape and the input's order.
 *
 * @throws {@link LowRankError} `E_ARG` when K is not an integer ≥ 2 or exceeds the number of entries.
 * @example
 * ```ts
 * for (const { train, test } of kFoldSplits(ratings, { folds: 5, seed: 1 })) { ... }
 * ```
 */
export function kFoldSplits(a: CooMatrix, options: KFoldOptions = {}): Split[] {
  const folds = options.folds ?? DEFAULT_FOLDS;
  checkInteger('folds', folds, 2);
  const nnz = a.values.length;
  if (folds > nnz) throw new LowRankError('E_ARG', `folds must be at most the number of observed entries (${nnz}), got ${folds}`);
  const rng = new Rng(options.seed ?? 0);
  const order = new Int32Array(nnz);
  for (let e = 0; e < nnz; e++) order[e] = e;
  for (let e = nnz - 1; e > 0; e--) {
    const r = rng.int(e + 1);
    const t = order[e];
    order[e] = order[r];
    order[r] = t;
  }
  const foldOf = new Uint8Array(nnz);
  for (let q = 0; q < nnz; q++) foldOf[order[q]] = Math.floor((q * folds) / nnz);
  const out: Split[] = [];
  for (let f = 0; f < folds; f++) out.push({ train: selectEntries(a, foldOf, f, false), test: selectEntries(a, foldOf, f, true) });
  return out;
}

/** The entries whose fold is (`held`) or is not (`!held`) fold f, in input order. */
function selectEntries(a: CooMatrix, foldOf: Uint8Array, f: number, held: boolean): CooMatrix {
  let count = 0;
  for (let e = 0; e < foldOf.length; e++) if ((foldOf[e] === f) === held) count++;
  const row = new Int32Array(count);
  const col = new Int32Array(count);
  const values = new Float64Array(count);
  let p = 0;
  for (let e = 0; e < foldOf.length; e++) {
    if ((foldOf[e] === f) !== held) continue;
    row[p] = a.row[e];
    col[p] = a.col[e];
    values[p] = a.values[e];
    p++;
  }
  return { rows: a.rows, cols: a.cols, row, col, values };
}

/** Mean and sample standard deviation of per-fold figures. */
export interface FoldSummary {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  min: number;
  max: number;
}

/**
 * Mean, spread and extremes of per-fold figures.
 * @example
 * ```ts
 * summarizeFolds([0.91, 0.92, 0.90]).mean; // 0.91
 * ```
 */
export function summarizeFolds(values: readonly number[]): FoldSummary {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min: Math.min(...values), max: Math.max(...values) };
}
