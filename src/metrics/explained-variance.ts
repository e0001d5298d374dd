/**
 * PCA's explained-variance figures from singular values of the centered data, as scikit-learn's
 * `PCA` reports them: `explained_variance_ = S² / (n − 1)` and
 * `explained_variance_ratio_ = S² / ‖A − 1·μᵀ‖²_F` (the (n − 1) cancels).
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

/**
 * The share of the total variance each component explains: σᵢ² / ‖A_c‖²_F, where A_c is A with its
 * column means removed and σ the singular values of A_c (scikit-learn's `explained_variance_ratio_`).
 * All zeros when the total is 0 (a constant matrix has no variance to explain).
 *
 * @param singularValues σ₁ ≥ σ₂ ≥ … of the centered matrix (the kept ones).
 * @param totalSquared ‖A_c‖²_F, ≥ 0.
 * @throws {@link LowRankError} `E_ARG` when `totalSquared` is negative or not finite.
 * @example
 * ```ts
 * explainedVarianceRatio(Float64Array.of(3, 1), 10); // Float64Array [0.9, 0.1]
 * ```
 */
export function explainedVarianceRatio(singularValues: ArrayLike<number>, totalSquared: number): Float64Array {
  if (!(totalSquared >= 0) || !Number.isFinite(totalSquared)) {
    throw new LowRankError('E_ARG', `total variance must be a finite number ≥ 0, got ${totalSquared}`);
  }
  const out = new Float64Array(singularValues.length);
  if (totalSquared === 0) return out;
  for (let i = 0; i < out.length; i++) out[i] = (singularValues[i] * singularValues[i]) / totalSquared;
  return out;
}

/**
 * Column means μ (length m) of a dense row-major n×m array, in float64 (PCA's `mean_`).
 *
 * @example
 * ```ts
 * denseColumnMeans(Float64Array.of(1, 2, 3, 4), 2, 2); // Float64Array [2, 3]
 * ```
 */
export function denseColumnMeans(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const mu = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mu[j] += data[i * cols + j];
  if (rows > 0) for (let j = 0; j < cols; j++) mu[j] /= rows;
  return mu;
}

/**
 * A − 1·μᵀ as a new matrix of A's dtype (A is not modified): the dense side of PCA's centering,
 * one copy of A. (Sparse inputs are centered implicitly instead, by `centeredOperator`.)
 *
 * @throws {@link LowRankError} `E_SHAPE` when `mu` does not have one entry per column.
 * @example
 * ```ts
 * const c = centerColumns(a, denseColumnMeans(a.data, a.rows, a.cols));
 * ```
 */
export function centerColumns(a: Matrix, mu: Float64Array): Matrix {
  if (mu.length !== a.cols) throw new LowRankError('E_SHAPE', `centering: ${mu.length} means for ${a.cols} columns`);
  const out = a.clone();
  const d = out.data;
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) d[i * a.cols + j] -= mu[j];
  return out;
}
