import { LowRankError } from '../core/errors.js';
import type { CsrMatrix } from '../core/sparse.js';
import type { Biases } from './factorization.js';
import { checkInteger, checkPositive } from './validate.js';

/**
 * The global-mean baseline: every prediction is the mean μ of the observed entries.
 * @returns biases with `global = μ` and zero user/item terms (a model of rank 0).
 * @throws {@link LowRankError} `E_ARG` when nothing is observed.
 * @example
 * ```ts
 * const b = globalMeanBaseline(train); // b.global ≈ 3.53 on MovieLens-100K
 * ```
 */
export function globalMeanBaseline(r: CsrMatrix): Biases {
  if (r.nnz === 0) throw new LowRankError('E_ARG', `a baseline needs observed entries; the ${r.rows}×${r.cols} input has none`);
  let s = 0;
  for (let p = 0; p < r.nnz; p++) s += r.values[p];
  return { global: s / r.nnz, user: new Float64Array(r.rows), item: new Float64Array(r.cols) };
}

/** Options of {@link biasBaseline}. */
export interface BiasBaselineOptions {
  /** Shrinkage of the user biases (default 15, Surprise's `reg_u`). */
  regUser?: number;
  /** Shrinkage of the item biases (default 10, Surprise's `reg_i`). */
  regItem?: number;
  /** Alternating passes (default 10, Surprise's `n_epochs`). */
  iterations?: number;
}

/**
 * The bias-only baseline μ + b_u + b_i (Koren 2010, §2.1), fitted as Surprise's `BaselineOnly`
 * with its ALS procedure: alternately
 * b_i = Σ_u (r_ui − μ − b_u) / (λ_i + |R_i|) and b_u = Σ_i (r_ui − μ − b_i) / (λ_u + |R_u|),
 * starting from zero biases, item biases first. O(nnz) per pass.
 *
 * @param r observed entries (users × items).
 * @throws {@link LowRankError} `E_ARG` when nothing is observed or an option is out of range.
 * @example
 * ```ts
 * const b = biasBaseline(train);
 * const pred = b.global + b.user[u] + b.item[i];
 * ```
 */
export function biasBaseline(r: CsrMatrix, options: BiasBaselineOptions = {}): Biases {
  const regUser = options.regUser ?? 15;
  const regItem = options.regItem ?? 10;
  const iterations = options.iterations ?? 10;
  checkPositive('regUser', regUser, true);
  checkPositive('regItem', regItem, true);
  checkInteger('iterations', iterations, 1);
  const b = globalMeanBaseline(r);
  const mu = b.global;
  const { indptr, indices, values } = r;
  const itemSum = new Float64Array(r.cols);
  const itemCount = new Float64Array(r.cols);
  for (let it = 0; it < iterations; it++) {
    itemSum.fill(0);
    itemCount.fill(0);
    for (let u = 0; u < r.rows; u++) {
      for (let p = indptr[u]; p < indptr[u + 1]; p++) {
        itemSum[indices[p]] += values[p] - mu - b.user[u];
        itemCount[indices[p]]++;
      }
    }
    for (let i = 0; i < r.cols; i++) b.item[i] = itemCount[i] > 0 ? itemSum[i] / (regItem + itemCount[i]) : 0;
    for (let u = 0; u < r.rows; u++) {
      let s = 0;
      for (let p = indptr[u]; p < indptr[u + 1]; p++) s += values[p] - mu - b.item[indices[p]];
      const c = indptr[u + 1] - indptr[u];
      b.user[u] = c > 0 ? s / (regUser + c) : 0;
    }
  }
  return b;
}
