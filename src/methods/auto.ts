import { Matrix } from '../core/matrix.js';
import { DEFAULT_OVERSAMPLE } from '../linalg/randomized-svd.js';
import { rankTolerance } from '../linalg/tolerance.js';
import type { Factorization } from './factorization.js';
import { randomizedFactorize, type RandomizedOptions } from './randomized.js';
import { rankFromSpectrum, resolveRankTarget, type ResolvedRankTarget } from './rank-selection.js';
import { svdFactorize } from './svd.js';
import { checkNonEmpty } from './validate.js';

/**
 * Largest min(n, m) for which `auto` always takes the exact SVD. The exact one-sided Jacobi SVD
 * costs O(n·m·min(n, m)) with a large constant in the TypeScript tier: measured ≈ 0.3 s at
 * 200×200, ≈ 3 s at 500×500 and ≈ 22 s at 1000×1000. Up to 256 it stays under about half a
 * second, gives the optimum exactly (Eckart–Young) with no randomness, and its full spectrum
 * serves every rank target; above it the randomized method's 2q + 2 GEMM passes (q ≤ 7) cost
 * a small fraction of that.
 */
export const AUTO_EXACT_MAX_SIDE = 256;

/** The method `auto` picks. */
export type AutoChoice = 'svd' | 'randomized';

/**
 * The `auto` rule: the exact SVD when min(n, m) ≤ {@link AUTO_EXACT_MAX_SIDE}, or when the
 * sketch (k + p columns) would hold half of min(n, m) or more — then a randomized method does
 * most of the exact SVD's work anyway and still only approximates; the randomized method
 * otherwise. `k` is null when the rank is not known up front (energy/tol targets): then size alone
 * decides.
 *
 * @example
 * ```ts
 * chooseMethod(100, 50, 10);     // 'svd'
 * chooseMethod(4000, 4000, 50);  // 'randomized'
 * chooseMethod(1000, 1000, 600); // 'svd' (sketch of 610 columns ≥ 500)
 * ```
 */
export function chooseMethod(n: number, m: number, k: number | null, oversample = DEFAULT_OVERSAMPLE): AutoChoice {
  const r = Math.min(n, m);
  if (r <= AUTO_EXACT_MAX_SIDE) return 'svd';
  if (k !== null && 2 * (k + oversample) >= r) return 'svd';
  return 'randomized';
}

/**
 * Options of {@link autoFactorize}: those of the randomized method. On the exact path the rank
 * target, `split`, `dtype` and `backend` apply (the sketch's knobs have nothing to tune there).
 */
export type AutoOptions = RandomizedOptions;

/** Options of {@link exactFactorize}: a rank target, how σ is split, the factors' dtype, the kernel tier and the input's name in errors. */
export type ExactOptions = Pick<AutoOptions, 'rank' | 'energy' | 'tol' | 'ratio' | 'split' | 'dtype' | 'backend' | 'inputName'>;

/**
 * Factorizes with the method {@link chooseMethod} picks: the exact truncated SVD (the svd method)
 * or {@link randomizedFactorize}. Any rank target works with either: the exact path reads energy
 * and tol targets off the full spectrum (one SVD), the randomized path off its sketch.
 *
 * On both paths singular values below max(n, m)·ε·σ₁ are reported as exactly 0 (rank-deficient
 * input gives its true rank's worth of non-zero values; `params.numericalRank` counts them).
 * `params.auto` is true; `method` names the method that ran.
 *
 * @throws {@link LowRankError} as {@link randomizedFactorize} and `svdFactorize`.
 * @example
 * ```ts
 * const f = autoFactorize(a, { energy: 0.99 });
 * f.method; // 'svd' for small a, 'randomized' for large
 * ```
 */
export function autoFactorize(a: Matrix, options: AutoOptions): Factorization<'svd' | 'randomized'> {
  // The finite check is the chosen method's own (one pass over A, not two).
  checkNonEmpty(a, options.inputName);
  const n = a.rows;
  const m = a.cols;
  const target = resolveRankTarget(options, n, m);
  const known = target.criterion === 'rank' || target.criterion === 'ratio' ? (rankFromSpectrum([], target, n, m) as number) : null;
  const choice = chooseMethod(n, m, known, options.oversample ?? DEFAULT_OVERSAMPLE);
  const f = choice === 'svd' ? exactWithTarget(a, target, known, options) : randomizedFactorize(a, options);
  f.params.auto = true;
  return f;
}

/**
 * The exact truncated SVD (the svd method) for any rank target: one SVD; energy and tol targets
 * are read off its full spectrum ({@link rankFromSpectrum}); singular values below
 * max(n, m)·ε·σ₁ are reported as 0 and their factor columns/rows zeroed
 * (`params.numericalRank` counts the rest).
 *
 * @throws {@link LowRankError} `E_ARG` for a missing, conflicting or out-of-range target; as `svdFactorize` otherwise.
 * @example
 * ```ts
 * const f = exactFactorize(a, { tol: 0.01 }); // smallest k with ‖A − A_k‖_F ≤ 1% of ‖A‖_F
 * ```
 */
export function exactFactorize(a: Matrix, options: ExactOptions): Factorization<'svd'> {
  checkNonEmpty(a, options.inputName); // svdFactorize checks that A is finite
  const target = resolveRankTarget(options, a.rows, a.cols);
  const known = target.criterion === 'rank' || target.criterion === 'ratio' ? (rankFromSpectrum([], target, a.rows, a.cols) as number) : null;
  return exactWithTarget(a, target, known, options);
}

/**
 * The rank a target asks for, computed the way {@link autoFactorize} would (for methods that
 * need k before they start, such as the gradient method): `rank` and `ratio` directly, energy
 * and tol from the exact spectrum or the randomized sketch.
 *
 * @throws {@link LowRankError} as {@link autoFactorize}.
 * @example
 * ```ts
 * const k = selectRank(a, { energy: 0.95 });
 * ```
 */
export function selectRank(a: Matrix, options: AutoOptions): number {
  const target = resolveRankTarget(options, a.rows, a.cols);
  if (target.criterion === 'rank' || target.criterion === 'ratio') return rankFromSpectrum([], target, a.rows, a.cols) as number;
  return autoFactorize(a, options).rank;
}

/** The exact path: one SVD, the rank read off its spectrum when needed, negligible σ zeroed. */
function exactWithTarget(a: Matrix, target: ResolvedRankTarget, known: number | null, options: Pick<ExactOptions, 'split' | 'dtype' | 'backend' | 'inputName'>): Factorization<'svd'> {
  const t0 = performance.now();
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  let f = svdFactorize(a, { rank: known ?? r, split: options.split, dtype: options.dtype, backend: options.backend, inputName: options.inputName });
  if (known === null) {
    const k = rankFromSpectrum(f.spectrum as Float64Array, target, n, m) as number;
    f = truncate(f, k);
  }
  const S = f.S as Float64Array;
  const spectrum = f.spectrum as Float64Array;
  const tol = rankTolerance(n, m, a.dtype, spectrum[0] ?? 0);
  let numericalRank = 0;
  const k = f.rank;
  for (let l = 0; l < k; l++) {
    if (S[l] > tol) {
      numericalRank = l + 1;
      continue;
    }
    S[l] = 0;
    // The factor that carries σ gets a zero column/row (both for the balanced split).
    const split = f.params.split;
    if (split !== 'right') for (let i = 0; i < n; i++) f.U.data[i * k + l] = 0;
    if (split !== 'left') for (let j = 0; j < m; j++) f.V.data[l * m + j] = 0;
  }
  f.params.criterion = target.criterion;
  f.params.target = target.value;
  f.params.numericalRank = numericalRank;
  f.timings.totalMs = performance.now() - t0;
  return f;
}

/** The first k columns of U, rows of V and values of S of a factorization. */
function truncate(f: Factorization<'svd'>, k: number): Factorization<'svd'> {
  const n = f.U.rows;
  const w = f.U.cols;
  const m = f.V.cols;
  const U = Matrix.zeros(n, k, f.U.dtype);
  for (let i = 0; i < n; i++) U.data.set(f.U.data.subarray(i * w, i * w + k), i * k);
  const V = new Matrix(k, m, f.V.data.slice(0, k * m));
  return { ...f, rank: k, U, V, S: (f.S as Float64Array).slice(0, k) };
}
