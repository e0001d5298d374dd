/**
 * The leading singular values of a sparse matrix (optionally with its column means removed
 * implicitly) and what they tell, without densifying it: the `spectrum` report of a `.mtx` input.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { checkNormInRange } from './validate.js';
import type { CsrMatrix } from '../core/sparse.js';
import { operatorSvd } from '../linalg/operator-svd.js';
import { safeNorm } from '../linalg/norms.js';
import { centeredNorm, centeredOperator, csrOperator, sparseColumnMeans } from '../linalg/sparse-operator.js';
import { SPECTRUM_TOP_FIRST, spectrumReport, type SpectrumReport } from './spectrum.js';

/** Options of {@link sparseSpectrum}. */
export interface SparseSpectrumOptions {
  /** Number of leading values (default min({@link SPECTRUM_TOP_FIRST}, min(n, m))). */
  top?: number;
  /** Seed of the randomized SVD (default 0). */
  seed?: number;
  /** Remove the column means first (PCA), implicitly (default false). */
  center?: boolean;
}

/**
 * The `top` leading singular values of a sparse A (or of A − 1·μᵀ with `center`) by the randomized
 * SVD through a sparse operator (Halko et al. 2011, Alg. 4.4 + 5.1), with the cumulative energy,
 * the optimal error of each rank and the energy ranks, all relative to the exact ‖A‖²_F computed
 * from the stored entries. Ritz values are lower bounds of the singular values, so energy ranks
 * are upper bounds (as the dense randomized path reports).
 *
 * @throws {@link LowRankError} `E_SHAPE` for an empty matrix; `E_ARG` for `top` outside [1, min(n, m)];
 *   `E_UNSUPPORTED` when ‖A‖_F is beyond float64's range.
 * @example
 * ```ts
 * const rep = sparseSpectrum(parseMatrixMarket(text).matrix as CsrMatrix, { top: 20 });
 * ```
 */
export function sparseSpectrum(a: CsrMatrix, options: SparseSpectrumOptions = {}): SpectrumReport {
  const r = Math.min(a.rows, a.cols);
  if (r === 0) throw new LowRankError('E_SHAPE', `spectrum of an empty ${a.rows}×${a.cols} matrix`);
  const top = options.top ?? Math.min(SPECTRUM_TOP_FIRST, r);
  if (!Number.isInteger(top) || top < 1 || top > r) throw new LowRankError('E_ARG', `top must be an integer in [1, ${r}], got ${top}`);
  const mu = options.center ? sparseColumnMeans(a) : undefined;
  const op = mu ? centeredOperator(csrOperator(a), mu) : csrOperator(a);
  // ‖A‖_F without overflow or underflow of the squares (entries beyond ≈ 1e±154).
  const normA = mu ? centeredNorm(a, mu) : safeNorm(a.values);
  checkNormInRange(normA, a.rows, a.cols, { prefix: 'spectrum: ' });
  const res = operatorSvd(op, top, { seed: options.seed });
  return { ...spectrumReport(res.S, normA, 'randomized', false, mu ? a.rows * a.cols : a.nnz), passes: res.passes, krylov: false };
}
