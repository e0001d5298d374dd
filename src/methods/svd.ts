import { LowRankError } from '../core/errors.js';
import type { DType, Matrix } from '../core/matrix.js';
import { svd } from '../linalg/svd.js';
import type { Backend } from '../backend/backend.js';
import type { Factorization } from './factorization.js';
import { splitFactors } from './randomized.js';
import { checkChoice, checkInputMatrix, checkRank } from './validate.js';

/**
 * Where the singular values go when the truncated SVD U_k·diag(s)·V_kᵀ is split into two factors:
 * - `left` (default): U = U_k·diag(s), V = V_kᵀ — V has orthonormal rows, as PCA's components;
 * - `right`: U = U_k, V = diag(s)·V_kᵀ;
 * - `balanced`: U = U_k·diag(√s), V = diag(√s)·V_kᵀ (both factors equally scaled, as a trained
 *   network would settle).
 */
export type SvdSplit = 'left' | 'right' | 'balanced';

/** Options of {@link svdFactorize} (the options of the SVD routine itself are `SvdOptions` of `lowrank/linalg`). */
export interface SvdFactorizeOptions {
  /** Target rank k, 1 ≤ k ≤ min(n, m). */
  rank: number;
  /** How the singular values are split between U and V (default `left`). */
  split?: SvdSplit;
  /** dtype of the returned factors (default: the input's). The SVD itself always runs in float64. */
  dtype?: DType;
  /** Kernel tier: its LAPACK SVD when it has one (default: the current backend, `getBackend()`). */
  backend?: Backend;
  /** Name used in error messages, e.g. the file path; default `'input matrix'`. */
  inputName?: string;
}

/**
 * The exact optimum: truncated SVD of A. By Eckart–Young–Mirsky no rank-k matrix is closer to A
 * in the Frobenius (or spectral) norm. Returns U (n×k) and V (k×m) per {@link SvdFactorizeOptions.split},
 * the k singular values kept in `S` and the whole spectrum in `spectrum`.
 *
 * Cost O(n·m·min(n, m)): meant for matrices up to a few thousand on a side.
 *
 * @throws {@link LowRankError} `E_ARG` for a rank outside [1, min(n, m)] or an unknown split;
 *   `E_NONFINITE` for NaN/Inf in A.
 * @example
 * ```ts
 * const f = svdFactorize(a, { rank: 10 });
 * f.S; // the 10 largest singular values
 * ```
 */
export function svdFactorize(a: Matrix, options: SvdFactorizeOptions): Factorization<'svd'> {
  const t0 = performance.now();
  const n = a.rows;
  const m = a.cols;
  const k = options.rank;
  checkInputMatrix(a, options.inputName);
  checkRank(k, n, m);
  const split = checkChoice<SvdSplit>('split', options.split ?? 'left', ['left', 'right', 'balanced']);
  const dtype = options.dtype ?? a.dtype;
  const full = svd(a, { backend: options.backend });
  const tSvd = performance.now();
  const S = full.S.slice(0, k);
  const { U, V } = splitFactors(full, k, split, dtype);
  return {
    method: 'svd',
    rank: k,
    U,
    V,
    S,
    spectrum: full.S,
    timings: { totalMs: performance.now() - t0, svdMs: tSvd - t0 },
    params: { split, dtype },
  };
}
