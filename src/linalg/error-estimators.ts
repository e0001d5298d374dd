import { LowRankError } from '../core/errors.js';
import { Matrix, type DType } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { matmul } from './matmul.js';
import { normFromSumSquares, safeNorm, ScaledSumOfSquares } from './norms.js';

/**
 * Accuracy estimators for a factorization A (n×m) ≈ U (n×k) · V (k×m) that never form the n×m
 * product or residual: the spectral-norm error by power iteration on the residual, and the
 * Frobenius error from ‖A‖_F, Gram matrices and UᵀA (with an exact blocked fallback). In the
 * spirit of fbpca's `diffsnorm` / `diffsnormc` (Tygert et al.) and Halko, Martinsson & Tropp 2011 §4.3.
 */

/** Default relative change of the spectral estimate that ends the power method: 1e-4 (four digits are plenty for a reported error). */
export const DEFAULT_ESTIMATE_TOL = 1e-4;

/** Options of {@link spectralErrorEstimate}. */
export interface SpectralEstimateOptions {
  /** Largest number of power iterations (default 20; each costs two passes over A). */
  maxIterations?: number;
  /**
   * Stop when the estimate changes by at most this, relatively, in one iteration (default
   * {@link DEFAULT_ESTIMATE_TOL}). Named apart from a rank target's `tol` and a training's `lossTol`.
   */
  estimateTol?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
}

/** Result of {@link spectralErrorEstimate}. */
export interface SpectralEstimate {
  /**
   * √‖RᵀR·x‖ for the final unit iterate x, R = A − U·V: always a lower bound of ‖R‖₂, converging
   * to it (from below) at the rate (σ₂(R)/σ₁(R))² per iteration.
   */
  estimate: number;
  /** Iterations run. */
  iterations: number;
  /** Whether the relative change fell below `estimateTol` before `maxIterations`. */
  converged: boolean;
}

/**
 * A-posteriori estimate of the spectral-norm error ‖A − U·V‖₂ by the power method on
 * RᵀR, R = A − U·V, applied as `R·x = A·x − U·(V·x)` and `Rᵀ·y = Aᵀ·y − Vᵀ·(Uᵀ·y)` — the
 * residual is never formed (memory O(n + m + k), two passes over A per iteration). Halko et al.
 * 2011 §4.3–4.4 use the same products for their a-posteriori bound; fbpca's `diffsnorm` is this
 * estimator.
 *
 * The returned value is a lower bound of ‖R‖₂ that converges from below; a start vector
 * orthogonal to the top singular vector happens with probability 0 (Gaussian start).
 *
 * @param a n×m original (float32 or float64; the factors are converted to its dtype).
 * @param u n×k left factor.
 * @param v k×m right factor.
 * @throws {@link LowRankError} `E_SHAPE` when the factors do not fit A; `E_ARG` for a bad
 *   `maxIterations` or `estimateTol`.
 * @example
 * ```ts
 * const { estimate } = spectralErrorEstimate(a, f.U, f.V); // ≈ ‖A − UV‖₂ ≥ σ_{k+1}
 * ```
 */
export function spectralErrorEstimate(a: Matrix, u: Matrix, v: Matrix, options: SpectralEstimateOptions = {}): SpectralEstimate {
  checkFactors(a, u, v);
  const maxIterations = options.maxIterations ?? 20;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new LowRankError('E_ARG', `maxIterations must be a positive integer, got ${maxIterations}`);
  }
  const tol = options.estimateTol ?? DEFAULT_ESTIMATE_TOL;
  if (!(tol >= 0) || !Number.isFinite(tol)) throw new LowRankError('E_ARG', `estimateTol must be a finite number ≥ 0, got ${tol}`);
  const backend = options.backend ?? getBackend();
  const U = asDtype(u, a.dtype);
  const V = asDtype(v, a.dtype);
  const m = a.cols;
  let x = Matrix.zeros(m, 1, a.dtype);
  new Rng(options.seed ?? 0).fillNormal(x.data);
  scaleToUnit(x);
  let estimate = 0;
  let iterations = 0;
  let converged = false;
  for (let it = 0; it < maxIterations; it++) {
    // y = R x, normalized before Rᵀ is applied: every vector stays of size ‖R‖ (not ‖R‖², which
    // leaves float64's range for ‖R‖ beyond ≈ 1e±154, float32's beyond ≈ 1e±19).
    const y = matmul(a, x, { backend });
    const vx = matmul(V, x, { backend });
    subtractProduct(y, U, vx, backend);
    const ny = safeNorm(y.data);
    iterations = it + 1;
    if (ny === 0) {
      estimate = 0;
      converged = true;
      break;
    }
    for (let i = 0; i < y.data.length; i++) y.data[i] /= ny;
    // w = Rᵀ y: ‖RᵀR·x‖ = ‖w‖·‖R·x‖
    const w = matmul(a, y, { transA: true, backend });
    const uy = matmul(U, y, { transA: true, backend });
    backend.gemm({ transA: true, transB: false, m, n: 1, k: V.rows, alpha: -1, a: V.data, lda: V.cols, b: uy.data, ldb: 1, beta: 1, c: w.data, ldc: 1 });
    const nw = safeNorm(w.data);
    const next = Math.sqrt(nw) * Math.sqrt(ny);
    const change = Math.abs(next - estimate);
    estimate = next;
    if (nw === 0) {
      converged = true;
      break;
    }
    for (let i = 0; i < m; i++) w.data[i] /= nw;
    x = w;
    if (it > 0 && change <= tol * estimate) {
      converged = true;
      break;
    }
  }
  return { estimate, iterations, converged };
}

/** Options of {@link frobeniusErrorFromFactors}. */
export interface FrobeniusEstimateOptions {
  /** ‖A‖_F when already known (skips one pass over A). */
  normA?: number;
  /**
   * Below this relative error (‖A − UV‖_F / ‖A‖_F) the Gram formula's cancellation costs too many
   * digits and the error is recomputed exactly by {@link frobeniusErrorBlocked} (default 1e-3: at
   * 1e-3 the formula still has ≈ 10 correct digits).
   */
  exactBelow?: number;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
}

/** Result of {@link frobeniusErrorFromFactors}. */
export interface FrobeniusEstimate {
  /** ‖A − U·V‖_F. */
  frobenius: number;
  /** ‖A − U·V‖_F / ‖A‖_F (0 when both are 0, ∞ when only A is). */
  relative: number;
  /** ‖A‖_F. */
  normA: number;
  /** `gram` (the product formula) or `blocked` (exact residual in row blocks). */
  method: 'gram' | 'blocked';
}

/**
 * The Frobenius error ‖A − U·V‖_F without forming U·V:
 * `‖A − UV‖²_F = ‖A‖²_F − 2⟨UᵀA, V⟩ + ⟨UᵀU, VVᵀ⟩` — one GEMM UᵀA (k×m, one pass over A) and two
 * k×k Gram matrices; memory O((n + m)·k). The subtraction loses about log₁₀(‖A‖²/err²) digits,
 * so when the relative error comes out below `exactBelow` the result is recomputed exactly
 * (residual in row blocks, {@link frobeniusErrorBlocked}), at the cost of one more pass.
 *
 * @param a n×m original; u n×k and v k×m factors (any dtypes: the factors are converted to A's).
 * @throws {@link LowRankError} `E_SHAPE` when the factors do not fit A.
 * @example
 * ```ts
 * const e = frobeniusErrorFromFactors(a, f.U, f.V); // e.frobenius, e.relative
 * ```
 */
export function frobeniusErrorFromFactors(a: Matrix, u: Matrix, v: Matrix, options: FrobeniusEstimateOptions = {}): FrobeniusEstimate {
  checkFactors(a, u, v);
  const backend = options.backend ?? getBackend();
  const exactBelow = options.exactBelow ?? 1e-3;
  const normA = options.normA ?? normFromSumSquares(backend.sumSquares(a.data), a.data);
  const U = asDtype(u, a.dtype);
  const V = asDtype(v, a.dtype);
  const w = matmul(U, a, { transA: true, backend }); // k×m
  let cross = 0;
  for (let i = 0; i < w.data.length; i++) cross += w.data[i] * V.data[i];
  const g1 = matmul(U, U, { transA: true, backend });
  const g2 = matmul(V, V, { transB: true, backend });
  let prod = 0;
  for (let i = 0; i < g1.data.length; i++) prod += g1.data[i] * g2.data[i];
  const err2 = normA * normA - 2 * cross + prod;
  const frob = Math.sqrt(Math.max(0, err2));
  // The formula's terms are of size ‖A‖²_F: beyond float64's range for ‖A‖_F outside ≈ 2^±500
  // (∞, or subnormals that lost digits), where the blocked residual stays exact.
  const squaresInRange = normA > 2 ** -450 && normA < 2 ** 500 && Number.isFinite(err2);
  if (!squaresInRange || !(frob >= exactBelow * normA)) {
    const exact = frobeniusErrorBlocked(a, u, v, { backend });
    return { frobenius: exact, relative: relative(exact, normA), normA, method: 'blocked' };
  }
  return { frobenius: frob, relative: relative(frob, normA), normA, method: 'gram' };
}

/**
 * ‖A − U·V‖_F computed exactly (no cancellation) by forming U·V a block of rows at a time:
 * memory one block (about `blockElements` entries, default 2²⁰ = 8 MiB in float64), work one GEMM
 * of n·m·k multiply-adds and one pass over A.
 *
 * @throws {@link LowRankError} `E_SHAPE` when the factors do not fit A.
 * @example
 * ```ts
 * const err = frobeniusErrorBlocked(a, u, v);
 * ```
 */
export function frobeniusErrorBlocked(a: Matrix, u: Matrix, v: Matrix, options: { blockElements?: number; backend?: Backend } = {}): number {
  checkFactors(a, u, v);
  // Σ d² per block, rescaled only for a block whose plain sum overflowed or underflowed (|d| ≈ 1e±154).
  const acc = new ScaledSumOfSquares();
  const m = a.cols;
  const ad = a.data;
  forEachProductBlock(u, v, (block, i0) => {
    const bd = block.data;
    const base = i0 * m;
    let ss = 0;
    for (let t = 0; t < bd.length; t++) {
      const d = ad[base + t] - bd[t];
      ss += d * d;
    }
    acc.addBlock(ss, bd.length, (t) => ad[base + t] - bd[t]);
  }, options);
  return acc.sqrt();
}

/** Default of `blockElements` in {@link forEachProductBlock}: 2²⁰ entries (8 MiB in float64). */
export const PRODUCT_BLOCK_ELEMENTS = 1 << 20;

/**
 * How {@link forEachProductBlock} cuts U·V into row blocks: the factors in their common dtype
 * (float64 when they differ) and `rowsPerBlock` rows per block (the last one shorter), about
 * `blockElements` entries each, at least one row.
 */
export interface ProductBlockPlan {
  /** n×k, in the product's dtype. */
  U: Matrix;
  /** k×m, in the product's dtype. */
  V: Matrix;
  /** Rows per block (≥ 1; the last block has n − (blocks − 1)·rowsPerBlock). */
  rowsPerBlock: number;
  /** Number of blocks, ⌈n / rowsPerBlock⌉ (0 when n or m is 0). */
  blocks: number;
}

/**
 * The row blocks of U·V for about `blockElements` entries each ({@link ProductBlockPlan}).
 *
 * @throws {@link LowRankError} `E_SHAPE` when U's columns differ from V's rows.
 * @example
 * ```ts
 * const plan = productBlockPlan(u, v); // plan.rowsPerBlock, plan.blocks
 * ```
 */
export function productBlockPlan(u: Matrix, v: Matrix, blockElements = PRODUCT_BLOCK_ELEMENTS): ProductBlockPlan {
  if (u.cols !== v.rows) {
    throw new LowRankError('E_SHAPE', `U is ${u.rows}×${u.cols} but V is ${v.rows}×${v.cols}: inner dimensions differ`);
  }
  const dtype: DType = u.dtype === v.dtype ? u.dtype : 'float64';
  const n = u.rows;
  const m = v.cols;
  const rowsPerBlock = Math.max(1, Math.min(n, Math.floor(blockElements / m)));
  return { U: asDtype(u, dtype), V: asDtype(v, dtype), rowsPerBlock, blocks: n === 0 || m === 0 ? 0 : Math.ceil(n / rowsPerBlock) };
}

/**
 * Forms block `c` of a {@link ProductBlockPlan} (rows c·rowsPerBlock … of U·V) in the leading
 * rows of `buffer` (rowsPerBlock×m, the product's dtype) by one {@link Backend.gemm} call, and
 * returns it as a matrix of its own rows (a view of `buffer`).
 *
 * @example
 * ```ts
 * const block = formProductBlock(plan, c, buffer, backend);
 * ```
 */
export function formProductBlock(plan: ProductBlockPlan, c: number, buffer: Matrix, backend: Backend): Matrix {
  const { U, V, rowsPerBlock } = plan;
  const k = U.cols;
  const m = V.cols;
  const i0 = c * rowsPerBlock;
  const b = Math.min(rowsPerBlock, U.rows - i0);
  const block = b === buffer.rows ? buffer : new Matrix(b, m, buffer.data.subarray(0, b * m));
  backend.gemm({ transA: false, transB: false, m: b, n: m, k, alpha: 1, a: U.data.subarray(i0 * k), lda: k, b: V.data, ldb: m, beta: 0, c: block.data, ldc: m });
  return block;
}

/**
 * Calls `fn(block, i0)` with consecutive row blocks of the product U·V (rows i0 … i0 + b − 1,
 * b×m, in the factors' common dtype — float64 when they differ), each about `blockElements`
 * entries (default {@link PRODUCT_BLOCK_ELEMENTS}), so that any element-wise metric of an n×m
 * approximation can be computed in O(blockElements) memory. The block buffer is reused between
 * calls. The blocks are those of {@link productBlockPlan}.
 *
 * @throws {@link LowRankError} `E_SHAPE` when U's columns differ from V's rows.
 * @example
 * ```ts
 * let maxAbs = 0;
 * forEachProductBlock(u, v, (block, i0) => { … compare block with rows i0… of A … });
 * ```
 */
export function forEachProductBlock(
  u: Matrix, v: Matrix, fn: (block: Matrix, i0: number) => void,
  options: { blockElements?: number; backend?: Backend } = {},
): void {
  const plan = productBlockPlan(u, v, options.blockElements);
  if (plan.blocks === 0) return;
  const backend = options.backend ?? getBackend();
  const buffer = Matrix.zeros(plan.rowsPerBlock, plan.V.cols, plan.U.dtype);
  for (let c = 0; c < plan.blocks; c++) fn(formProductBlock(plan, c, buffer, backend), c * plan.rowsPerBlock);
}

function checkFactors(a: Matrix, u: Matrix, v: Matrix): void {
  if (u.cols !== v.rows || u.rows !== a.rows || v.cols !== a.cols) {
    throw new LowRankError('E_SHAPE', `factors U ${u.rows}×${u.cols} and V ${v.rows}×${v.cols} do not fit a ${a.rows}×${a.cols} matrix (need n×k and k×m)`);
  }
}

function asDtype(x: Matrix, dtype: DType): Matrix {
  return x.dtype === dtype ? x : x.astype(dtype);
}

function relative(err: number, normA: number): number {
  return normA === 0 ? (err === 0 ? 0 : Infinity) : err / normA;
}

function norm(x: Matrix): number {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += x.data[i] * x.data[i];
  return Math.sqrt(s);
}

function scaleToUnit(x: Matrix): void {
  const s = norm(x);
  if (s > 0) for (let i = 0; i < x.data.length; i++) x.data[i] /= s;
}

/** y ← y − U·z (U n×k, z k×1). */
function subtractProduct(y: Matrix, u: Matrix, z: Matrix, backend: Backend): void {
  backend.gemm({ transA: false, transB: false, m: u.rows, n: 1, k: u.cols, alpha: -1, a: u.data, lda: u.cols, b: z.data, ldb: 1, beta: 1, c: y.data, ldc: 1 });
}

/**
 * An upper bound of the gap to the Eckart–Young optimum, `error / optimum − 1`, from a lower
 * bound of the optimum — never negative, never a ratio of rounding noise:
 * - 0 when `error` is at or below `noiseFloor` (the approximation is optimal to working precision);
 * - +∞ when the lower bound is at or below `noiseFloor` (nothing can be certified);
 * - else max(0, error / optimumLowerBound − 1) (error ≥ optimum ≥ the lower bound, so a computed
 *   ratio below 1 is rounding and means 0).
 *
 * @param noiseFloor the size of rounding errors in `error`, e.g. max(n, m)·ε·‖A‖_F.
 * @example
 * ```ts
 * certifiedGapBound(1.02, 1.0, 1e-13); // 0.02
 * certifiedGapBound(3e-14, 1e-15, 1e-13); // 0: at the optimum to working precision
 * ```
 */
export function certifiedGapBound(error: number, optimumLowerBound: number, noiseFloor: number): number {
  if (error <= noiseFloor) return 0;
  if (!(optimumLowerBound > noiseFloor)) return Infinity;
  return Math.max(0, error / optimumLowerBound - 1);
}

/** What the Ritz values of a randomized SVD certify about its rank-k approximation: see {@link ritzCertificate}. */
export interface RitzCertificate {
  /** √(‖A‖²_F − Σ_{i≤k} σ̂ᵢ²): the Frobenius error of the rank-k Ritz approximation (loses digits by cancellation below ≈ √ε·‖A‖_F). */
  frobeniusFromRitz: number;
  /** √(Σ_{k<i≤L} σ̂ᵢ²) ≤ the Eckart–Young optimum (Ritz values interlace: σ̂ᵢ ≤ σᵢ). */
  optimumLowerBound: number;
}

/**
 * The Frobenius error and a lower bound of the optimum read off the Ritz values σ̂ (descending,
 * all L of them) of a randomized SVD (Halko et al. 2011 §5; the interlacing σ̂ᵢ ≤ σᵢ), computed
 * scaled by max(‖A‖_F, σ̂₁) so that neither overflows for entries near float64's largest.
 *
 * @example
 * ```ts
 * const c = ritzCertificate(res.ritzValues, k, normA);
 * certifiedGapBound(c.frobeniusFromRitz, c.optimumLowerBound, Math.sqrt(2 ** -52) * normA);
 * ```
 */
export function ritzCertificate(ritz: ArrayLike<number>, k: number, normA: number): RitzCertificate {
  const scale = Math.max(normA, ritz.length > 0 ? ritz[0] : 0);
  if (!(scale > 0) || !Number.isFinite(scale)) return { frobeniusFromRitz: scale > 0 ? scale : 0, optimumLowerBound: 0 };
  let kept = 0;
  let beyond = 0;
  for (let i = 0; i < ritz.length; i++) {
    const x = ritz[i] / scale;
    if (i < k) kept += x * x;
    else beyond += x * x;
  }
  const t = normA / scale;
  return { frobeniusFromRitz: scale * Math.sqrt(Math.max(0, t * t - kept)), optimumLowerBound: scale * Math.sqrt(beyond) };
}
