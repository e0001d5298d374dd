import type { Matrix } from '../core/matrix.js';
import { svd } from '../linalg/svd.js';
import { approximationErrors, type ApproximationErrors } from './errors.js';
import { compressionRatio, compressionRatioBytes } from './compression.js';
import { optimalFrobeniusError, optimalityGap } from './optimum.js';

/** Largest min(n, m) for which {@link evaluateApproximation} computes the exact optimum itself (an O(n·m·min(n,m)) SVD). */
export const OPTIMUM_MAX_SIDE = 1500;

/** Everything lowrank reports about an approximation. */
export interface Evaluation extends ApproximationErrors {
  rank: number;
  compressionRatio: number;
  compressionRatioBytes: number;
  /** Optimal rank-k Frobenius error, or null when the matrix is too large to compute it here. */
  optimum: number | null;
  gap: number | null;
}

/**
 * Evaluates Â (an approximation of rank `rank` stored as factors of `factorDtype`) against A:
 * error figures, compression ratios and, when A is small enough or its spectrum is given, the
 * Eckart–Young optimum and the gap.
 *
 * @example
 * ```ts
 * const e = evaluateApproximation(a, matmul(f.U, f.V), f.rank, f.U.dtype);
 * e.gap; // 0 for the exact SVD
 * ```
 */
export function evaluateApproximation(a: Matrix, approx: Matrix, rank: number, factorDtype: Matrix['dtype'], spectrum?: Float64Array): Evaluation {
  const errors = approximationErrors(a, approx);
  let s = spectrum;
  if (!s && Math.min(a.rows, a.cols) <= OPTIMUM_MAX_SIDE) s = svd(a).S;
  const optimum = s ? optimalFrobeniusError(s, rank) : null;
  return {
    rank,
    compressionRatio: compressionRatio(a.rows, a.cols, rank),
    compressionRatioBytes: compressionRatioBytes(a.rows, a.cols, rank, a.dtype, factorDtype),
    ...errors,
    optimum,
    gap: optimum === null ? null : optimalityGap(errors.frobenius, optimum),
  };
}

