import { LowRankError } from '../core/errors.js';
import { Matrix, type DType } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { blockKrylovRows, type BlockKrylovRows, type KrylovStopReason } from './block-krylov.js';
import { rayleighRitzFromGram, ritzGram } from './rayleigh-ritz-gram.js';
import { matmul } from './matmul.js';
import { householderQr, qr } from './qr.js';
import { checkNormalizer, matrixRowsOperator, overflowGuardScale, randomizedRangeFinder, type RangeNormalizer } from './randomized-range.js';
import { svd, type ThinSvd } from './svd.js';
import { svdFlip } from './svd-flip.js';
import { rankTolerance } from './tolerance.js';
import { ADAPTIVE_OVERSAMPLE, AUTO_POWER_ITERS, DEFAULT_KRYLOV_OVERSAMPLE, DEFAULT_OVERSAMPLE, DEFAULT_TOL_RITZ, KRYLOV_FEW_ITERS } from './randomized-svd-defaults.js';

export { ADAPTIVE_OVERSAMPLE, AUTO_POWER_ITERS, DEFAULT_KRYLOV_OVERSAMPLE, DEFAULT_OVERSAMPLE, DEFAULT_TOL_RITZ, KRYLOV_FEW_ITERS } from './randomized-svd-defaults.js';

/**
 * The default oversampling p of a run: {@link DEFAULT_OVERSAMPLE} for subspace iteration and for
 * block Krylov with q ≤ {@link KRYLOV_FEW_ITERS}, else {@link DEFAULT_KRYLOV_OVERSAMPLE}.
 *
 * @example
 * ```ts
 * defaultOversample(true, 4);  // 2
 * defaultOversample(true, 1);  // 10
 * defaultOversample(false, 7); // 10
 * ```
 */
export function defaultOversample(krylov: boolean, q: number): number {
  return krylov && q > KRYLOV_FEW_ITERS ? DEFAULT_KRYLOV_OVERSAMPLE : DEFAULT_OVERSAMPLE;
}

/**
 * The adaptive run uses {@link ADAPTIVE_OVERSAMPLE}'s wider block only when at least this many
 * iterations of it fit the basis limits ({@link KRYLOV_MAX_BASIS}, min(n, m)); else it keeps the
 * fixed run's block.
 */
export const ADAPTIVE_MIN_ITERS = 2;

/**
 * Largest Krylov basis L = (q + 1)·l that `krylov: 'auto'` accepts. The Rayleigh–Ritz step
 * costs an L×L dense SVD (at L = 480: ≈ 0.1 s with LAPACK, ≈ 3 s by one-sided Jacobi in the
 * TypeScript tier) and ≈ 2n·L² flops of re-orthogonalization; beyond this the subspace iteration
 * is the cheaper way to spend the same passes.
 */
export const KRYLOV_MAX_BASIS = 512;

/** Options of {@link randomizedSvd}. */
export interface RandomizedSvdOptions {
  /**
   * Oversampling p ≥ 0: the sketch has l = min(k + p, min(n, m)) columns (default:
   * {@link DEFAULT_OVERSAMPLE} = 10 for subspace iteration, as Halko et al. and scikit-learn;
   * {@link DEFAULT_KRYLOV_OVERSAMPLE} = 2 for block Krylov with q ≥ 2, 10 with q ≤ 1: see
   * {@link defaultOversample}; the adaptive run's {@link ADAPTIVE_OVERSAMPLE} = 20).
   */
  oversample?: number;
  /**
   * Power iterations q ≥ 0, or `'auto'` (default): {@link AUTO_POWER_ITERS} — for subspace
   * iteration {@link autoPowerIters}, 7 when k < 0.1·min(n, m), else 4 (scikit-learn's rule); for
   * block Krylov {@link autoKrylovIters}, 4, else 3. Passes over A: 2q + 2 with either variant.
   */
  powerIters?: number | 'auto';
  /**
   * Block Krylov (Musco & Musco 2015) instead of subspace iteration (Halko et al. 2011 Alg. 4.4)
   * for the same number of passes: `true`, `false` or `'auto'` (default: Krylov when the basis
   * (q + 1)·l fits {@link useKrylov}'s limits). Krylov is never less accurate per pass; it costs
   * more dense work.
   */
  krylov?: boolean | 'auto';
  /** Re-normalization between passes: `qr` (default) or the cheaper `lu` (see {@link RangeNormalizer}). */
  normalizer?: RangeNormalizer;
  /**
   * Passes over A, fixed: an even number 2q + 2 ≥ 2 (the same count as the out-of-core path's
   * `--passes`: passes over the data). Sets q = (passes − 2)/2 and turns the adaptive stop off —
   * for a time budget. Conflicts with a numeric `powerIters` that disagrees. Default: adaptive.
   */
  passes?: number;
  /**
   * Adaptive stop of block Krylov (default {@link DEFAULT_TOL_RITZ}): with q on `'auto'` and no
   * `passes`, the auto q is the most that runs, and blocks stop being added once the wanted k
   * Ritz values have settled (`ritzSettled`, block-krylov.ts). 0 runs every iteration (the
   * fixed count). Subspace iteration always runs its q.
   */
  tolRitz?: number;
  /** Seed of the Gaussian test matrix (default 0): the same seed gives identical output. */
  seed?: number;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
  /**
   * ‖A‖²_F as `backend.sumSquares(a.data)` gives it, when the caller has already computed it
   * (the adaptive stop and the overflow guard use it; default: computed here, one pass over A).
   */
  sumSquares?: number;
  /** Progress: called after each pass over A with the passes done and planned (2q + 2). */
  onPass?: (done: number, total: number) => void;
}

/** The result of {@link randomizedSvd}: k approximate singular triplets plus what they came from. */
export interface RandomizedSvdResult extends ThinSvd {
  /**
   * All L Ritz values (singular values of QᵀA for the orthonormal basis Q), descending. Each is
   * a lower bound of the matching singular value of A (σ̂ᵢ ≤ σᵢ, interlacing), and
   * ‖A − Q·(QᵀA)_k‖²_F = ‖A‖²_F − Σ_{i≤k} σ̂ᵢ² exactly.
   */
  ritzValues: Float64Array;
  /** l, columns of the sketch. */
  sketchSize: number;
  /** L, columns of the basis Q (l for subspace iteration, (q + 1)·l for block Krylov). */
  basisSize: number;
  /** q actually run. */
  powerIters: number;
  /** Whether block Krylov ran. */
  krylov: boolean;
  /** Passes over A (2q + 2). */
  passes: number;
  /**
   * Why the iteration stopped: `converged` (the adaptive `tolRitz` test fired before the most
   * passes allowed), `max-passes` (adaptive, every allowed pass ran), `fixed` (a fixed count:
   * `passes`, a numeric `powerIters`, `tolRitz` 0, or subspace iteration).
   */
  stopReason: KrylovStopReason;
  /** The last settling measure of the adaptive test (NaN when it did not run). */
  ritzChange: number;
  /**
   * Number of singular values above the rank tolerance max(n, m)·ε·σ̂₁ (numpy's `matrix_rank`
   * rule, ε of A's dtype); S entries below it are reported as exactly 0.
   */
  numericalRank: number;
  /** True when the work ran on Aᵀ (wide input), through GEMM flags, without copying A. */
  transposed: boolean;
}

/**
 * scikit-learn's `n_iter='auto'` rule, the default of subspace iteration: q = 7 when k < 0.1·min(n, m) (small
 * ranks of big matrices, where the tail σ_{k+1…} is long and flat relative to σ_k and extra
 * passes pay), else 4. Halko et al. 2011 §4.5 recommend q = 1–3 for fast-decaying spectra; 4 and
 * 7 are the safe side for noisy data.
 *
 * @example
 * ```ts
 * autoPowerIters(50, 4000, 4000); // 7
 * autoPowerIters(50, 300, 5000);  // 4
 * ```
 */
export function autoPowerIters(k: number, n: number, m: number): number {
  const c = AUTO_POWER_ITERS.subspace;
  return k < AUTO_POWER_ITERS.smallRankFraction * Math.min(n, m) ? c.small : c.other;
}

/**
 * The `'auto'` iteration count of block Krylov: q = 4 when k < 0.1·min(n, m), else 3 — 10 or 8
 * passes over A instead of subspace iteration's 16 or 10. Krylov's error after q iterations
 * behaves like subspace iteration's after about q² (Musco & Musco 2015, Thm. 1: q = O(log n/√ε)
 * against O(log n/ε)), so this is on the safe side of {@link autoPowerIters}. Measured with
 * `bench/accuracy.ts` on the four cases of the linear-algebra issue: q = 4 reaches the optimum to
 * rounding on all of them, where q = 3 stays ≈ 1.5e−6 above it on the tall and wide cases and
 * q = 2 up to 3e−4 above; scikit-learn's defaults (subspace, q = 7) stay up to 0.27% above.
 *
 * @example
 * ```ts
 * autoKrylovIters(50, 2000, 2000); // 4
 * autoKrylovIters(50, 300, 300);   // 3
 * ```
 */
export function autoKrylovIters(k: number, n: number, m: number): number {
  const c = AUTO_POWER_ITERS.krylov;
  return k < AUTO_POWER_ITERS.smallRankFraction * Math.min(n, m) ? c.small : c.other;
}

/**
 * The `krylov: 'auto'` rule: block Krylov when its basis (q + 1)·l fits in min(n, m) columns and
 * in {@link KRYLOV_MAX_BASIS}, subspace iteration otherwise. Chosen from `bench/accuracy.ts`: at
 * equal passes Krylov was never less accurate and reached the optimum to ~1e−12 on the rank-100
 * signal + noise case where subspace iteration (and scikit-learn) stayed 0.2–0.3% above it; its
 * extra cost is dense work on the basis, bounded by the cap.
 *
 * @example
 * ```ts
 * useKrylov(60, 7, 4000, 4000); // true: basis 480
 * useKrylov(110, 7, 4000, 4000); // false: basis 880 > 512
 * ```
 */
export function useKrylov(l: number, q: number, n: number, m: number): boolean {
  const L = (q + 1) * l;
  return L <= KRYLOV_MAX_BASIS && L <= Math.min(n, m);
}

/**
 * Randomized truncated SVD of an n×m matrix: the k leading singular triplets, approximately,
 * in 2q + 2 passes over A.
 *
 * 1. Orientation: the work runs on the tall one of A and Aᵀ (Aᵀ through GEMM flags — the data is
 *    never copied, transposed or converted).
 * 2. Basis Q (n×L, orthonormal) of a sketch of A's range: randomized subspace iteration (Halko,
 *    Martinsson & Tropp 2011, Alg. 4.4, L = l = k + p) or randomized block Krylov (Musco & Musco
 *    2015, Alg. 2, L = (q + 1)·l), re-normalized every pass (QR, or LU on request).
 * 3. Rayleigh–Ritz (Halko et al. Alg. 5.1): B = QᵀA (L×m) from the last pass, B = Ũ·Σ·Vᵀ from
 *    the eigenpairs of BBᵀ (`rayleighRitzFromGram`: the adaptive stop's, else one small GEMM and
 *    an L×L symmetric eigensolve, then two GEMMs; taken when σ̂_k ≥ 1e−2·σ̂₁ so that squaring
 *    costs no accuracy that matters), else by the exact dense {@link svd} (LAPACK on the native
 *    tier, one-sided Jacobi otherwise) of Bᵀ's triangular factor when L ≪ m, U = Q·Ũ. Block
 *    Krylov keeps Q and B by rows (`blockKrylovRows`), the layout in which the passes over A run
 *    fastest.
 * 4. Singular values under max(n, m)·ε·σ̂₁ are set to 0 (rank-deficient input: the true rank's
 *    worth of non-zero values, not rounding noise), and signs are normalized with
 *    {@link svdFlip}.
 *
 * Accuracy: the returned rank-k approximation is Q·(QᵀA)_k, whose Frobenius error is exactly
 * √(‖A‖²_F − Σ_{i≤k} σ̂ᵢ²) and never below the Eckart–Young optimum; see `ritzValues`.
 *
 * @param a n×m matrix, float32 or float64, finite (not checked here: see the methods layer).
 * @param k rank, an integer in [1, min(n, m)].
 * @returns U n×k, S (k), Vt k×m (float64) and the diagnostics of {@link RandomizedSvdResult}.
 * @throws {@link LowRankError} `E_UNSUPPORTED` when σ₁ itself is beyond float64's range (entries
 *   near 1.8e308 are otherwise handled by scaling).
 * @throws {@link LowRankError} `E_ARG` for k outside [1, min(n, m)], a negative oversample or
 *   powerIters, or an unknown normalizer.
 * @example
 * ```ts
 * const r = randomizedSvd(a, 50, { seed: 1 }); // a: 4000×4000
 * r.S;           // 50 singular values
 * r.passes;      // at most 10 (block Krylov, q ≤ 4 since 50 < 400): 6 once the Ritz values settle
 * ```
 */
export function randomizedSvd(a: Matrix, k: number, options: RandomizedSvdOptions = {}): RandomizedSvdResult {
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  const pOpt = options.oversample;
  let qOpt = checkRandomizedArgs(n, m, k, pOpt, options.powerIters);
  const passesOpt = options.passes;
  if (passesOpt !== undefined) {
    if (!Number.isInteger(passesOpt) || passesOpt < 2 || passesOpt % 2 !== 0) {
      throw new LowRankError('E_ARG', `passes must be an even integer ≥ 2 (2q + 2 passes over A), got ${passesOpt}`);
    }
    const fromPasses = (passesOpt - 2) / 2;
    if (qOpt !== 'auto' && qOpt !== fromPasses) {
      throw new LowRankError('E_ARG', `passes ${passesOpt} means powerIters ${fromPasses}, but powerIters ${qOpt} was given: give one of them`);
    }
    qOpt = fromPasses;
  }
  const tolRitz = options.tolRitz ?? DEFAULT_TOL_RITZ;
  if (!(tolRitz >= 0) || !Number.isFinite(tolRitz)) throw new LowRankError('E_ARG', `tolRitz must be a finite number ≥ 0, got ${tolRitz}`);
  const adaptive = qOpt === 'auto' && tolRitz > 0;
  const normalizer = options.normalizer ?? 'qr';
  checkNormalizer(normalizer);
  const krylovOpt = options.krylov ?? 'auto';
  if (krylovOpt !== 'auto' && krylovOpt !== true && krylovOpt !== false) {
    throw new LowRankError('E_ARG', `krylov must be true, false or 'auto', got ${String(krylovOpt)}`);
  }
  const backend = options.backend ?? getBackend();
  const seed = options.seed ?? 0;
  // With q and p on 'auto', each variant gets its own (autoKrylovIters and
  // DEFAULT_KRYLOV_OVERSAMPLE, or autoPowerIters and DEFAULT_OVERSAMPLE), and krylov 'auto' asks
  // whether the Krylov basis at its own settings fits.
  const qKrylov = qOpt === 'auto' ? autoKrylovIters(k, n, m) : qOpt;
  const lKrylov = Math.min(k + (pOpt ?? defaultOversample(true, qKrylov)), r);
  const krylov = krylovOpt === 'auto' ? useKrylov(lKrylov, qKrylov, n, m) : krylovOpt;
  let q = qOpt !== 'auto' ? qOpt : krylov ? autoKrylovIters(k, n, m) : autoPowerIters(k, n, m);
  let l = Math.min(k + (pOpt ?? defaultOversample(krylov, q)), r);
  // A forced Krylov basis must fit in min(n, m) columns: fewer iterations if it would not, with
  // subspace iteration's wider sketch (unless p was given) since few iterations need it.
  if (krylov && (q + 1) * l > r) {
    if (pOpt === undefined) l = Math.min(k + DEFAULT_OVERSAMPLE, r);
    q = Math.floor(r / l) - 1;
  }
  // The adaptive stop runs with the wider block of ADAPTIVE_OVERSAMPLE when at least
  // ADAPTIVE_MIN_ITERS iterations of it fit the basis limits.
  if (krylov && adaptive && pOpt === undefined) {
    const la = Math.min(k + ADAPTIVE_OVERSAMPLE, r);
    const qa = Math.min(q, Math.floor(Math.min(r, KRYLOV_MAX_BASIS) / la) - 1);
    if (qa >= ADAPTIVE_MIN_ITERS) {
      l = la;
      q = qa;
    }
  }

  const transposed = n < m;
  // Entries near float64's largest (or in the subnormal range) run as c·A, c a power of two.
  // The adaptive stop needs ‖A‖²_F, which settles c in the common case; a fixed count runs
  // unscaled first and pays the guard's pass over A only when that run left the safe range.
  const sumSquares = krylov && adaptive ? (options.sumSquares ?? backend.sumSquares(a.data)) : undefined;
  const run = (scale: number): Omit<BlockKrylovRows, 'iterations'> & { q: number } => {
    const rng = new Rng(seed);
    if (krylov) {
      const adaptiveOptions = adaptive ? { tolRitz, wanted: k, sumSquares } : {};
      const b = blockKrylovRows(a, l, q, { rng, transpose: transposed, normalizer, backend, scale, onPass: options.onPass, ...adaptiveOptions });
      return { ...b, q: b.iterations };
    }
    const onPass = options.onPass;
    const Kt = randomizedRangeFinder(a, l, { powerIters: q, normalizer, rng, transpose: transposed, backend, scale, onPass: onPass && ((d) => onPass(d, 2 * q + 2)) }).transpose();
    const Zt = matrixRowsOperator(a, transposed, backend, scale).applyT(Kt);
    onPass?.(2 * q + 2, 2 * q + 2);
    return { Kt, Zt, passes: 2 * q + 2, q, stopReason: 'fixed', ritzChange: NaN };
  };
  let scale = sumSquares === undefined ? 1 : overflowGuardScale(a, sumSquares);
  let basis = scale === 1 ? inSafeRange(run, backend) : undefined;
  if (!basis) {
    scale = overflowGuardScale(a);
    basis = run(scale);
  }
  const { Kt, Zt, passes, stopReason, ritzChange } = basis;
  q = basis.q;
  // Rayleigh–Ritz from the eigenpairs of ZᵀZ (the adaptive stop's, else computed here: one small
  // GEMM and an L×L eigensolve) when the wanted values are not too far below σ̂₁ (see
  // rayleighRitzFromGram); else Z is factored.
  const gram = basis.gram ?? ritzGram(Zt, Zt.rows, backend);
  const fromGram = gram && rayleighRitzFromGram(Kt, Zt, gram, k, transposed, backend);
  let U: Matrix;
  let Vt: Matrix;
  let ritz: Float64Array;
  if (fromGram) {
    ({ U, Vt, S: ritz } = fromGram);
  } else {
    const rr = rayleighRitz(Kt.transpose(), Zt.transpose(), k, backend);
    ritz = rr.S;
    // rr is the SVD of op(A); A = op(A) or op(A)ᵀ.
    U = transposed ? rr.right : rr.left;
    Vt = (transposed ? rr.left : rr.right).transpose();
  }
  unscaleSingularValues(ritz, scale);
  const tol = rankTolerance(n, m, a.dtype, ritz[0] ?? 0);
  const S = ritz.slice(0, k);
  let numericalRank = 0;
  for (let i = 0; i < k; i++) {
    if (S[i] > tol) numericalRank = i + 1;
    else S[i] = 0;
  }
  svdFlip(U, Vt);
  return {
    U,
    S,
    Vt,
    ritzValues: ritz,
    sketchSize: l,
    basisSize: Kt.rows,
    powerIters: q,
    krylov,
    passes,
    stopReason,
    ritzChange,
    numericalRank,
    transposed,
  };
}

/**
 * Per dtype of A: the largest |entry| of op(A)ᵀ·K an unscaled run may end with and still count as
 * safe (see {@link inSafeRange}), and the smallest non-zero largest |entry| (below: digits lost to
 * subnormals) — float64 2¹⁰⁰⁰ and 2⁻⁹⁰⁰, float32 2¹²⁰ and 2⁻¹⁰⁰ (its subnormals start at 2⁻¹²⁶).
 */
const SAFE_RANGE: Readonly<Record<DType, { readonly top: number; readonly bottom: number }>> = {
  float64: { top: 2 ** 1000, bottom: 2 ** -900 },
  float32: { top: 2 ** 120, bottom: 2 ** -100 },
};

/**
 * The result of an unscaled run (`run(1)`), or undefined when it left the range where no scaling
 * is needed: a product overflowed (Inf or NaN reached a factorization, which refuses it with
 * `E_NONFINITE`, or op(A)ᵀ·K itself), or op(A)ᵀ·K ends within reach of float64's largest or in
 * the subnormal range ({@link SAFE_RANGE} of its dtype). The caller then scales by
 * `overflowGuardScale` and runs again. Overflow cannot go unnoticed: Inf never turns finite again
 * in sums and products. For float64 the common case is settled by the backend's sum of squares of
 * op(A)ᵀ·K: finite and positive means every entry is below 2⁵¹² and one is above 2⁻⁵³⁸ (its square
 * is not 0); else (and for float32, whose range is narrower) the entries are scanned.
 */
function inSafeRange<T extends { Zt: Matrix }>(run: (scale: number) => T, backend: Backend): T | undefined {
  let out: T;
  try {
    out = run(1);
  } catch (e) {
    if (e instanceof LowRankError && e.code === 'E_NONFINITE') return undefined;
    throw e;
  }
  const d = out.Zt.data;
  const safe = SAFE_RANGE[out.Zt.dtype];
  if (out.Zt.dtype === 'float64') {
    const sq = backend.sumSquares(d);
    if (sq > 0 && sq < Infinity) return out;
  }
  let big = 0;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (!(v <= safe.top)) return undefined;
    if (v > big) big = v;
  }
  return big === 0 || big >= safe.bottom ? out : undefined;
}

/**
 * The argument checks shared by {@link randomizedSvd} and `operatorSvd`: k in [1, min(n, m)], a
 * non-negative integer oversample (or none), a non-negative integer powerIters or `'auto'`.
 *
 * @returns powerIters, `'auto'` when not given.
 * @throws {@link LowRankError} `E_ARG` naming the argument and the range.
 * @example
 * ```ts
 * checkRandomizedArgs(100, 80, 10, undefined, undefined); // 'auto'
 * ```
 */
export function checkRandomizedArgs(n: number, m: number, k: number, oversample: number | undefined, powerIters: number | 'auto' | undefined): number | 'auto' {
  const r = Math.min(n, m);
  if (!Number.isInteger(k) || k < 1 || k > r) {
    throw new LowRankError('E_ARG', `rank must be an integer in [1, ${r}] for a ${n}×${m} matrix, got ${k}`);
  }
  if (oversample !== undefined && (!Number.isInteger(oversample) || oversample < 0)) {
    throw new LowRankError('E_ARG', `oversample must be a non-negative integer, got ${oversample}`);
  }
  const q = powerIters ?? 'auto';
  if (q !== 'auto' && (!Number.isInteger(q) || q < 0)) {
    throw new LowRankError('E_ARG', `powerIters must be a non-negative integer or 'auto', got ${String(q)}`);
  }
  return q;
}

/**
 * The singular values of A from those of c·A (the overflow guard's power of two c), in place:
 * S ← S / c, exact.
 *
 * @throws {@link LowRankError} `E_UNSUPPORTED` when σ₁ of A is beyond float64's range.
 * @example
 * ```ts
 * unscaleSingularValues(rr.S, 2 ** -13); // rr.S · 2¹³
 * ```
 */
export function unscaleSingularValues(S: Float64Array, scale: number): void {
  const s1 = S[0] ?? 0;
  if (scale !== 1) for (let i = 0; i < S.length; i++) S[i] /= scale;
  if (!(S[0] <= Number.MAX_VALUE) && S.length > 0) {
    throw new LowRankError('E_UNSUPPORTED', `the largest singular value, ${s1.toExponential(3)}·2^${-Math.log2(scale)}, is beyond float64's range: scale the data down`);
  }
}

/**
 * Rayleigh–Ritz on an orthonormal basis K (n×L) given Z = op(A)ᵀ·K (m×L): Kᵀ·op(A) = Zᵀ, and
 * svd(Z) = Uz·S·Vzᵀ gives op(A) ≈ (K·Vz)·S·Uzᵀ. Returns the first `count` left vectors K·Vz
 * (n×count) and right vectors Uz (m×count) as float64, and all L values (Halko et al. 2011, Alg. 5.1).
 *
 * @example
 * ```ts
 * const rr = rayleighRitz(q, op.applyT(q), k, getBackend()); // rr.left·diag(rr.S)·rr.rightᵀ ≈ op(A)
 * ```
 */
export function rayleighRitz(K: Matrix, Z: Matrix, count: number, backend: Backend): { left: Matrix; right: Matrix; S: Float64Array } {
  const L = K.cols;
  const m = Z.rows;
  let uz: Matrix; // m×count
  let vzt: Matrix; // count×L (rows = Vz's first columns)
  let S: Float64Array;
  if (m >= 2 * L && L >= 16) {
    // Z = Q₂R₂, then the SVD of the L×L R₂ only: LAPACK's QR when the backend has it, else the
    // blocked Householder QR (GEMM-rich) with Q₂ applied to the `count` vectors needed.
    let r2: Matrix;
    let applyQ2: (x: Matrix) => Matrix;
    if (backend.qr) {
      const f = qr(Z, { backend });
      r2 = f.R;
      applyQ2 = (x) => matmul(f.Q, new Matrix(L, count, x.data.subarray(0, L * count)), { backend });
    } else {
      const f = householderQr(Z, { backend });
      r2 = f.R();
      applyQ2 = (x) => f.applyQ(x);
    }
    const small = svd(r2, { backend });
    S = small.S;
    const top = new Float64Array(m * count);
    const ud = small.U.data;
    for (let i = 0; i < L; i++) top.set(ud.subarray(i * L, i * L + count), i * count);
    uz = applyQ2(new Matrix(m, count, top));
    vzt = new Matrix(count, L, small.Vt.data.slice(0, count * L));
  } else {
    const full = svd(Z, { backend });
    S = full.S;
    const w = full.U.cols;
    const top = new Float64Array(m * count);
    for (let i = 0; i < m; i++) top.set(full.U.data.subarray(i * w, i * w + count), i * count);
    uz = new Matrix(m, count, top);
    vzt = new Matrix(count, L, full.Vt.data.slice(0, count * L));
  }
  const vztK = K.dtype === 'float64' ? vzt : vzt.astype(K.dtype);
  let left = matmul(K, vztK, { transB: true, backend });
  if (left.dtype !== 'float64') left = left.astype('float64');
  return { left, right: uz, S };
}
