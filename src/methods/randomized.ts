import { LowRankError } from '../core/errors.js';
import { Matrix, type DType, type FloatArray } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import type { RangeNormalizer } from '../linalg/randomized-range.js';
import { certifiedGapBound, ritzCertificate } from '../linalg/error-estimators.js';
import { normFromSumSquares } from '../linalg/norms.js';
import { randomizedSvd, type RandomizedSvdResult } from '../linalg/randomized-svd.js';
import { dtypeEpsilon } from '../linalg/tolerance.js';
import type { Factorization, Progress } from './factorization.js';
import { rankFromSpectrum, resolveRankTarget, unitScaledSpectrum, type RankTarget, type ResolvedRankTarget } from './rank-selection.js';
import type { SvdSplit } from './svd.js';
import { checkInputMatrix, checkNonEmpty, checkNormInRange } from './validate.js';

/** Options of {@link randomizedFactorize}: a rank target (exactly one of rank, energy, tol, ratio) and the algorithm's knobs. */
export interface RandomizedOptions extends RankTarget {
  /**
   * Oversampling p ≥ 0 (default: `DEFAULT_KRYLOV_OVERSAMPLE` = 2 for block Krylov,
   * `DEFAULT_OVERSAMPLE` = 10 for subspace iteration — Halko et al. 2011 §4.2, scikit-learn's default).
   */
  oversample?: number;
  /**
   * Power iterations q, or `'auto'` (default; `AUTO_POWER_ITERS`): block Krylov 4 when
   * k < 0.1·min(n, m), else 3; subspace iteration 7, else 4 (scikit-learn's rule).
   */
  powerIters?: number | 'auto';
  /** Block Krylov instead of subspace iteration for the same passes: true, false or `'auto'` (default). */
  krylov?: boolean | 'auto';
  /** Re-normalization between passes: `qr` (default) or the cheaper `lu`. */
  normalizer?: RangeNormalizer;
  /** Passes over A, fixed (even, 2q + 2; default: adaptive) — see `RandomizedSvdOptions.passes`. */
  passes?: number;
  /**
   * Settling tolerance of the adaptive block Krylov stop (default `DEFAULT_TOL_RITZ` = 2e−4; 0 runs
   * every auto iteration) — see `RandomizedSvdOptions.tolRitz` (Musco & Musco 2015).
   */
  tolRitz?: number;
  /** Seed (default 0): the same seed gives identical output. */
  seed?: number;
  /** How the singular values are split between U and V (default `left`, as the svd method). */
  split?: SvdSplit;
  /** dtype of the returned factors (default: the input's). */
  dtype?: DType;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
  /** Name used in error messages, e.g. the file path; default `'input matrix'`. */
  inputName?: string;
  /**
   * Progress, after each pass over A: `epoch` counts passes of the current sketch, `total` its
   * planned passes, `loss` is NaN (there is none). A grown sketch (energy/tol) starts again at 0.
   */
  onProgress?: (p: Progress) => void;
}

/** First sketch rank tried for energy/tol targets before doubling. */
const FIRST_GUESS = 32;

/**
 * Randomized low-rank factorization A (n×m) ≈ U (n×k) · V (k×m) from {@link randomizedSvd}
 * (Halko, Martinsson & Tropp 2011 Alg. 4.4 + 5.1, or block Krylov, Musco & Musco 2015), in
 * 2q + 2 passes over A; A is never copied or converted (wide input runs on Aᵀ via GEMM flags).
 *
 * Rank selection: `rank` and `ratio` fix k up front. For `energy` and `tol`, ‖A‖²_F is computed
 * exactly (one pass, no flops) and the captured energy is read from the sketch: the Ritz
 * approximation of rank j keeps exactly Σ_{i≤j} σ̂ᵢ² (σ̂ the Ritz values, lower bounds of the σᵢ),
 * so the smallest j meeting the target is chosen — the result provably meets the target, with a
 * rank at least (and in practice equal to) the optimal one. The sketch starts at rank 32; when
 * the target is not met within it, the sketch grows to the rank the sketch's own Ritz values
 * predict, or doubles, and is recomputed (total cost under twice the final sketch's).
 *
 * Diagnostics in `params` (all computed without extra passes):
 * - `frobeniusFromRitz`: √(‖A‖²_F − Σ_{i≤k} σ̂ᵢ²), the Frobenius error (exact in exact arithmetic;
 *   loses digits by cancellation when the relative error is below ≈ 1e−6);
 * - `optimumLowerBound`: √(Σ_{k<i≤L} σ̂ᵢ²) ≤ the Eckart–Young optimum (Ritz values interlace), so
 *   `gapUpperBound` = frobeniusFromRitz / optimumLowerBound − 1 certifies how far from optimal
 *   the result can be (tight when the basis holds most of the tail, loose otherwise; never
 *   negative: 0 when the error is within the formula's rounding noise √(max(n, m)·ε)·‖A‖_F, +∞
 *   when the lower bound is — see `certifiedGapBound`);
 * - `numericalRank`: how many of the k singular values are above max(n, m)·ε·σ̂₁ (the rest are 0).
 *
 * @throws {@link LowRankError} `E_ARG` for a missing, conflicting or out-of-range rank target or
 *   bad knobs; `E_SHAPE` for an empty matrix; `E_NONFINITE` for NaN/Inf in A; `E_UNSUPPORTED`
 *   when ‖A‖_F (or σ₁) is beyond float64's range.
 * @example
 * ```ts
 * const f = randomizedFactorize(a, { rank: 50 });          // a: 4000×4000
 * const g = randomizedFactorize(a, { energy: 0.99, seed: 1 });
 * g.rank; g.S; g.params.passes;
 * ```
 */
export function randomizedFactorize(a: Matrix, options: RandomizedOptions): Factorization<'randomized'> {
  const t0 = performance.now();
  checkNonEmpty(a, options.inputName);
  const backend = options.backend ?? getBackend();
  // One pass for both: Σa² is NaN or ±Inf when an entry is, and only then is A scanned for the
  // entry to name (a finite A whose Σa² overflows passes that scan: the scaled norm below).
  const total = backend.sumSquares(a.data);
  if (!Number.isFinite(total)) checkInputMatrix(a, options.inputName);
  const n = a.rows;
  const m = a.cols;
  const target = resolveRankTarget(options, n, m);
  const split = options.split ?? 'left';
  if (split !== 'left' && split !== 'right' && split !== 'balanced') {
    throw new LowRankError('E_ARG', `split must be left, right or balanced, got '${String(split)}'`);
  }
  const dtype = options.dtype ?? a.dtype;
  const svdOptions = {
    oversample: options.oversample,
    powerIters: options.powerIters,
    krylov: options.krylov,
    normalizer: options.normalizer,
    passes: options.passes,
    tolRitz: options.tolRitz,
    seed: options.seed,
    backend,
    sumSquares: total,
    onPass: options.onProgress && ((done: number, total: number) => options.onProgress?.({ epoch: done, total, loss: NaN })),
  };

  // Σa² overflows above ≈ 1e154 and underflows below ≈ 1e−154: then the scaled norm.
  const normA = normFromSumSquares(total, a.data);
  checkNormInRange(normA, n, m, {
    what: options.inputName ?? 'input matrix',
    why: ' (the randomized method reads its error and energy off it)',
    hint: 'scale the data down, or use the svd method (--method svd)',
  });
  const { res, k, attempts } = sketchForTarget(a, target, normA, svdOptions);
  const tSketch = performance.now();
  const factors = splitFactors(res, k, split, dtype);

  const { frobeniusFromRitz, optimumLowerBound } = ritzCertificate(res.ritzValues, k, normA);
  // The Ritz formula's cancellation leaves noise of about √(max(n, m)·ε)·‖A‖_F.
  const ritzNoise = Math.sqrt(Math.max(n, m) * dtypeEpsilon(a.dtype)) * normA;
  return {
    method: 'randomized',
    rank: k,
    U: factors.U,
    V: factors.V,
    S: res.S.slice(0, k),
    timings: { totalMs: performance.now() - t0, sketchMs: tSketch - t0 },
    params: {
      criterion: target.criterion,
      target: target.value,
      oversample: res.sketchSize - k,
      sketchSize: res.sketchSize,
      basisSize: res.basisSize,
      powerIters: res.powerIters,
      krylov: res.krylov,
      normalizer: options.normalizer ?? 'qr',
      passes: res.passes,
      stopReason: res.stopReason,
      ritzChange: res.ritzChange,
      attempts,
      seed: options.seed ?? 0,
      split,
      dtype,
      transposed: res.transposed,
      numericalRank: Math.min(res.numericalRank, k),
      normA,
      frobeniusFromRitz,
      optimumLowerBound,
      gapUpperBound: certifiedGapBound(frobeniusFromRitz, optimumLowerBound, ritzNoise),
    },
  };
}

/**
 * Runs the randomized SVD for a target; grows the sketch for energy/tol targets until met (the
 * shares read off values scaled with ‖A‖_F, so that their squares stay in float64's range).
 */
function sketchForTarget(
  a: Matrix, target: ResolvedRankTarget, normA: number, opts: Parameters<typeof randomizedSvd>[2],
): { res: RandomizedSvdResult; k: number; attempts: number } {
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  if (target.criterion === 'rank' || target.criterion === 'ratio') {
    const k = rankFromSpectrum([], target, n, m) as number;
    return { res: randomizedSvd(a, k, opts), k, attempts: 1 };
  }
  let guess = Math.min(r, FIRST_GUESS);
  for (let attempts = 1; ; attempts++) {
    const res = randomizedSvd(a, guess, opts);
    const unit = unitScaledSpectrum(res.S, normA);
    const k = rankFromSpectrum(unit.s, target, n, m, unit.total);
    if (k !== null) return { res, k, attempts };
    if (guess === r) return { res, k: r, attempts };
    // Not met within `guess`: the Ritz values past it (up to the basis size) predict the rank.
    const ritz = unitScaledSpectrum(res.ritzValues, normA);
    const predicted = rankFromSpectrum(ritz.s, target, n, m, ritz.total);
    guess = Math.min(r, Math.max(2 * guess, predicted ?? 0));
  }
}

/**
 * U (n×k), V (k×m) from the first k triplets of an SVD-like result (U's columns and Vt's rows unit
 * vectors, as every SVD of this library returns them), the singular values split per `split` (as
 * the svd method does): `left` U·diag(s), Vᵀ; `right` U, diag(s)·Vᵀ; `balanced` √s on both sides.
 *
 * @throws {@link LowRankError} `E_UNSUPPORTED` when a factor entry (or a singular value) is beyond
 *   the range of `dtype` — e.g. float32 factors of a matrix of float32-max entries, whose σ₁
 *   exceeds 3.4e38 — naming the largest value and what to change, instead of writing ±∞; and when
 *   a whole float32 factor would lie below float32's normal range (stored as subnormals or 0).
 * @example
 * ```ts
 * const { U, V } = splitFactors(randomizedSvd(a, 10), 10, 'balanced', 'float32');
 * ```
 */
export function splitFactors(res: { U: Matrix; S: Float64Array; Vt: Matrix }, k: number, split: SvdSplit, dtype: DType): { U: Matrix; V: Matrix } {
  const n = res.U.rows;
  const m = res.Vt.cols;
  const w = res.U.cols;
  const U = Matrix.zeros(n, k, dtype);
  const V = Matrix.zeros(k, m, dtype);
  const limit = dtype === 'float32' ? FLOAT32_MAX : Number.MAX_VALUE;
  const left = new Float64Array(k);
  const right = new Float64Array(k);
  let bound = 0;
  for (let l = 0; l < k; l++) {
    const s = res.S[l];
    if (!(s <= Number.MAX_VALUE)) {
      throw new LowRankError('E_UNSUPPORTED', `singular value ${l + 1} is beyond float64's range (the matrix's norm overflows): scale the data down`);
    }
    left[l] = split === 'left' ? s : split === 'balanced' ? Math.sqrt(s) : 1;
    right[l] = split === 'right' ? s : split === 'balanced' ? Math.sqrt(s) : 1;
    bound = Math.max(bound, left[l], right[l]);
  }
  // Each factor in one pass in row order. U's columns and Vt's rows are unit vectors (entries ≤ 1 up
  // to rounding), so the scales bound every entry: the entries are scanned only when that bound is
  // within a factor 2 of the dtype's largest value.
  const u = res.U.data;
  const uOut = U.data;
  for (let i = 0; i < n; i++) {
    const row = i * w;
    const rowOut = i * k;
    for (let l = 0; l < k; l++) uOut[rowOut + l] = u[row + l] * left[l];
  }
  const vt = res.Vt.data;
  const vOut = V.data;
  for (let l = 0; l < k; l++) {
    const row = l * m;
    const r = right[l];
    for (let j = 0; j < m; j++) vOut[row + j] = vt[row + j] * r;
  }
  const largest = 2 * bound < limit ? 0 : largestScaled(u, n, w, left, vt, m, right);
  if (largest > limit) {
    throw new LowRankError('E_UNSUPPORTED', `the factors do not fit ${dtype}: an entry of ${largest.toExponential(3)} exceeds its largest value ${limit.toExponential(3)}; use --dtype float64${split === 'balanced' ? '' : ' or a balanced split'}`);
  }
  if (dtype === 'float32') {
    // A unit vector of length L has an entry ≥ 1/√L: only a factor whose scales are all tiny can
    // lie wholly below float32's normal range (its entries stored as subnormals or 0), and only
    // then is it scanned.
    const tooSmall = (scales: Float64Array, len: number): boolean => scales.reduce((a, x) => Math.max(a, x), 0) / Math.sqrt(len) < FLOAT32_MIN_NORMAL;
    const smallest = (name: string, x: number): void => {
      if (x > 0 && x < FLOAT32_MIN_NORMAL) {
        throw new LowRankError('E_UNSUPPORTED', `the factors do not fit float32: the largest entry of ${name} is ${x.toExponential(3)}, below float32's smallest normal ${FLOAT32_MIN_NORMAL.toExponential(3)} (its digits would be lost); use --dtype float64${split === 'balanced' ? '' : ' or a balanced split'}`);
      }
    };
    if (k > 0 && tooSmall(left, n)) smallest('U', largestScaled(u, n, w, left, vt, m, new Float64Array(k)));
    if (k > 0 && tooSmall(right, m)) smallest('V', largestScaled(u, n, w, new Float64Array(k), vt, m, right));
  }
  return { U, V };
}

/**
 * The largest |entry| of the factors before they are stored: U's first k columns (n×w, row-major)
 * scaled by `left`, Vt's first k rows (m columns) by `right`, in float64 (NaN when an entry is NaN).
 */
function largestScaled(u: FloatArray, n: number, w: number, left: Float64Array, vt: FloatArray, m: number, right: Float64Array): number {
  const k = left.length;
  let largest = 0;
  for (let i = 0; i < n; i++) for (let l = 0; l < k; l++) largest = Math.max(largest, Math.abs(u[i * w + l] * left[l]));
  for (let l = 0; l < k; l++) for (let j = 0; j < m; j++) largest = Math.max(largest, Math.abs(vt[l * m + j] * right[l]));
  return largest;
}

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷ ≈ 3.4028e38. */
const FLOAT32_MAX = (2 - 2 ** -23) * 2 ** 127;
/** The smallest normal float32, 2⁻¹²⁶ ≈ 1.1755e−38: below it float32 keeps fewer than 24 bits. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
