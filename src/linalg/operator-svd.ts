/**
 * Randomized truncated SVD of a matrix known only as a {@link MatrixOperator} (sparse, implicitly
 * centered, …): Halko, Martinsson & Tropp 2011, Alg. 4.4 (randomized subspace iteration) for the
 * range, then Alg. 5.1 (direct SVD of the projection) by Rayleigh–Ritz — the dense
 * `randomizedSvd`'s subspace-iteration path, touching the matrix only through its products.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { getBackend } from '../backend/select.js';
import type { Backend } from '../backend/backend.js';
import { guardedOperator, operatorRangeFinder, type MatrixOperator, type RangeNormalizer } from './randomized-range.js';
import { autoPowerIters, checkRandomizedArgs, DEFAULT_OVERSAMPLE, rayleighRitz, unscaleSingularValues } from './randomized-svd.js';
import { transposeOperator } from './sparse-operator.js';
import { svdFlip } from './svd-flip.js';
import { rankTolerance } from './tolerance.js';

/** Options of {@link operatorSvd}. */
export interface OperatorSvdOptions {
  /** Oversampling p ≥ 0 (default {@link DEFAULT_OVERSAMPLE}). */
  oversample?: number;
  /** Power iterations q ≥ 0, or `'auto'` (default: `autoPowerIters`, as the dense path). */
  powerIters?: number | 'auto';
  /** Re-normalization between passes (default `qr`). */
  normalizer?: RangeNormalizer;
  /** Seed of the Gaussian test matrix (default 0). */
  seed?: number;
  /** Kernel tier for the dense panel work (default: the current backend). */
  backend?: Backend;
  /** Called after each product with the operator, with the passes done and planned (2q + 2). */
  onPass?: (done: number, total: number) => void;
}

/** The result of {@link operatorSvd}. */
export interface OperatorSvdResult {
  /** n×k left singular vectors (float64, orthonormal columns, svd_flip signs). */
  U: Matrix;
  /** The k singular values, descending (values below the rank tolerance set to 0). */
  S: Float64Array;
  /** k×m right singular vectors, transposed. */
  Vt: Matrix;
  /** All l Ritz values σ̂ of the sketch; ‖A − U·diag(S)·Vt‖²_F = ‖A‖²_F − Σ_{i≤k} σ̂ᵢ² exactly. */
  ritzValues: Float64Array;
  /** Sketch width l = min(k + p, min(n, m)). */
  sketchSize: number;
  /** Power iterations q used. */
  powerIters: number;
  /** Products with the operator: 2q + 2. */
  passes: number;
}

/**
 * Rank-k randomized SVD of op (n×m): U·diag(S)·Vt ≈ op, through `apply`/`applyT` only.
 *
 * The orientation with more rows is sketched (a wide operator is transposed, not copied); the basis
 * Q has l = k + p columns; the k leading Ritz pairs of Qᵀ·op are returned.
 *
 * @param op the operator (float64 for the sparse and centered ones).
 * @param k rank, an integer in [1, min(n, m)].
 * Entries near float64's largest are handled as in the dense path, by running c·op with c a power
 * of two (`guardedOperator`, decided on the first product) and dividing the singular values by c.
 *
 * @throws {@link LowRankError} `E_ARG` for k outside [1, min(n, m)], a negative or non-integer
 *   oversample or power-iteration count (the checks of the dense `randomizedSvd`).
 * @throws {@link LowRankError} `E_UNSUPPORTED` when σ₁ itself is beyond float64's range;
 *   `E_NONFINITE` when the operator's products hold Inf or NaN even scaled down.
 * @example
 * ```ts
 * const r = operatorSvd(csrOperator(a), 20, { seed: 1 }); // a sparse, never densified
 * ```
 */
export function operatorSvd(op: MatrixOperator, k: number, options: OperatorSvdOptions = {}): OperatorSvdResult {
  const n = op.rows;
  const m = op.cols;
  const r = Math.min(n, m);
  const qOpt = checkRandomizedArgs(n, m, k, options.oversample, options.powerIters);
  const q = qOpt === 'auto' ? autoPowerIters(k, n, m) : qOpt;
  const backend = options.backend ?? getBackend();
  const l = Math.min(k + (options.oversample ?? DEFAULT_OVERSAMPLE), r);
  const transposed = n < m;
  // Entries near float64's largest run as c·op (the dense path's guard, decided on the first product).
  const tall = guardedOperator(transposed ? transposeOperator(op) : op);
  const passes = 2 * q + 2;
  const onPass = options.onPass;
  const K = operatorRangeFinder(tall, l, {
    powerIters: q,
    normalizer: options.normalizer,
    rng: new Rng(options.seed ?? 0),
    backend,
    onPass: onPass && ((d) => onPass(d, passes)),
  });
  const rr = rayleighRitz(K, tall.applyT(K), k, backend);
  unscaleSingularValues(rr.S, tall.scale);
  onPass?.(passes, passes);
  const U = transposed ? rr.right : rr.left;
  const Vt = (transposed ? rr.left : rr.right).transpose();
  const S = rr.S.slice(0, k);
  const tol = rankTolerance(n, m, 'float64', rr.S[0] ?? 0);
  for (let i = 0; i < k; i++) if (!(S[i] > tol)) S[i] = 0;
  svdFlip(U, Vt);
  return { U, S, Vt, ritzValues: rr.S, sketchSize: l, powerIters: q, passes };
}
