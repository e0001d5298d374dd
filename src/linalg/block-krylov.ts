import { LowRankError } from '../core/errors.js';
import { Matrix, type FloatArray } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { matmul } from './matmul.js';
import { normFromSumSquares, sumSquaresScaledBy } from './norms.js';
import { choleskyQr2Rows, type CholeskyQrRowsWork } from './cholesky-qr.js';
import { orthonormalize, qr } from './qr.js';
import { checkNormalizer, fastGaussianSketch, gaussianSketch, matrixRowsOperator, normalizePanel, type RangeNormalizer } from './randomized-range.js';
import { ritzGram, type RitzGram } from './rayleigh-ritz-gram.js';
import { svd } from './svd.js';
import { eigenvectorColumns, type SymmetricEigen } from './eigh.js';
import { dtypeEpsilon } from './tolerance.js';

/** Re-orthogonalization passes of a new block against the basis before giving up (two suffice once deflated blocks are replaced). */
const MAX_REORTHOGONALIZATIONS = 4;

/** Options of {@link blockKrylov}. */
export interface BlockKrylovOptions {
  /** Seed of the Gaussian starting block (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** Random stream to draw the starting block from (takes precedence over `seed`). */
  rng?: Rng;
  /** Work on Aᵀ instead of A (never materialised). Default false. */
  transpose?: boolean;
  /**
   * Re-normalization of op(A)ᵀ·Qᵢ before it is multiplied by op(A) again (default `qr`; `lu` is
   * cheaper). The Krylov basis itself is always orthonormalized by QR: CholeskyQR2 (GEMMs) for
   * float64 blocks with κ ≤ 1e5, Householder otherwise.
   */
  normalizer?: RangeNormalizer;
  /** Work on scale·A (default 1), e.g. `overflowGuardScale`'s power of two. */
  scale?: number;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
  /** Called after each pass over A with the passes done and planned (2q + 2). */
  onPass?: (done: number, total: number) => void;
  /**
   * Adaptive stop (with `wanted`): after each block from the second on, stop adding blocks when
   * the wanted Ritz values have settled — see {@link ritzSettled}. Default undefined: all q
   * iterations run. `iterations` is then the most that may run.
   */
  tolRitz?: number;
  /** k, the number of wanted singular values the `tolRitz` test watches. */
  wanted?: number;
  /**
   * ‖A‖²_F of the unscaled A when the caller has it (e.g. from `overflowGuardScale`'s screening),
   * for the `tolRitz` test; default: one more pass over A (`sumSquares`) when `tolRitz` is set.
   */
  sumSquares?: number;
}

/** Why {@link blockKrylov} stopped adding blocks. */
export type KrylovStopReason = 'converged' | 'max-passes' | 'fixed';

/** The orthonormal Krylov basis of {@link blockKrylov} and op(A)ᵀ applied to it. */
export interface BlockKrylovBasis {
  /** K, rows(op(A))×L with orthonormal columns, L = (q+1)·l; A's dtype. */
  K: Matrix;
  /** op(A)ᵀ·K, cols(op(A))×L (so Kᵀ·op(A) is its transpose, with no further pass); A's dtype. */
  AtK: Matrix;
  /** Passes over A: 2q + 2 for the q iterations that ran. */
  passes: number;
  /** Iterations q that ran (fewer than asked when the adaptive stop fired). */
  iterations: number;
  /**
   * `converged`: the `tolRitz` test fired; `max-passes`: the adaptive run used every iteration
   * allowed without settling; `fixed`: no `tolRitz`, the asked count ran.
   */
  stopReason: KrylovStopReason;
  /** The last settling measure of {@link ritzSettled} (NaN when none was computed). */
  ritzChange: number;
  /**
   * When the adaptive stop fired: the eigenpairs of the Gram matrix ZᵀZ of Z = `AtK` (L×L,
   * eigenvalues ascending, the squared Ritz values; float64), which the settling test computed on
   * the returned basis — so the Rayleigh–Ritz step can reuse them instead of factoring Z again.
   */
  gram?: SymmetricEigen;
}

/**
 * The settling test of the adaptive block Krylov stop: a prediction of how much the wanted Ritz
 * energy can still grow, relative to the error left. With t_j = Σ_{i≤k} σ̂ᵢ² the energy the rank-k
 * Ritz approximation from the first j + 1 blocks captures (non-decreasing: the bases are nested),
 * e_j = ‖A‖²_F − t_j its squared Frobenius error (exact: Halko et al. 2011 §5.1), g_j = t_j − t_{j−1}
 * the last block's gain and ρ = g_j / g_{j−1} the observed contraction (so j ≥ 2: three blocks),
 * the gains still to come are estimated by the geometric tail g_j·ρ/(1 − ρ), and the measure is
 * that tail ÷ e_j. Block Krylov converges at least geometrically in the block index, usually
 * faster (Musco & Musco 2015, Thm. 1 and §5: the rate improves as the Ritz values settle), so the
 * tail is usually an over-estimate — not always: where the rate slows once the strong directions
 * are found, it can be low (see `DEFAULT_TOL_RITZ`). ρ ≥ 1 (not yet contracting) gives +∞. Since e_j − e_opt is what the tail estimates, and the Frobenius
 * error's excess over the Eckart–Young optimum is (e_j − e_opt)/(2·e_opt) to first order, a
 * measure ≤ τ means an excess of about τ/2 or less.
 *
 * Unlike the last gain alone (g_j/e_j, which only says the block just added was nearly useless,
 * so every stop costs one block too many), the tail predicts the next gains: measured with
 * `bench/randomized-adaptive.ts`, it stops the four accuracy cases one block earlier.
 *
 * The first gain is not compared with t_0 (the gain from an empty basis): the first block takes
 * the strong directions at once, and a ratio against it predicted a stop at 4 passes 2.7e−3
 * above the optimum on a smooth image plus noise at rank 8, whose noise directions converge slowly.
 *
 * @param before t_{j−2}; @param prev t_{j−1}; @param next t_j; @param totalSq ‖A‖²_F (same scale).
 * @returns the settling measure (0 when the last block gained nothing or nothing is left, +∞ while
 *   the gains do not shrink).
 * @example
 * ```ts
 * ritzSettled(90, 99, 99.09, 100); // gains 9 then 0.09: ρ = 0.01, tail ≈ 9.1e−4, ÷ 0.91 ≈ 1e−3
 * ```
 */
export function ritzSettled(before: number, prev: number, next: number, totalSq: number): number {
  const rest = totalSq - next;
  const gain = Math.max(0, next - prev);
  if (!(rest > 0) || gain === 0) return 0;
  const rho = gain / Math.max(0, prev - before);
  if (!(rho < 1)) return Infinity;
  return (gain * rho) / (1 - rho) / rest;
}

/**
 * Randomized block Krylov iteration (Musco & Musco, "Randomized block Krylov methods for
 * stronger and faster approximate singular value decomposition", NeurIPS 2015, Alg. 2), run as
 * a block Lanczos process with full re-orthogonalization:
 *
 * 1. Ω ~ N(0, 1)^{m×l}; Q₀ = qr(op(A)·Ω).
 * 2. For i = 0 … q: Zᵢ = op(A)ᵀ·Qᵢ (kept); if i < q, Y = op(A)·normalize(Zᵢ), then Y is
 *    orthogonalized against Q₀ … Qᵢ and QR-factored — twice ("twice is enough": Giraud et al.
 *    2005), so the basis stays orthonormal to working precision even once the Krylov space
 *    stops growing (exactly low-rank input) — giving Qᵢ₊₁.
 * 3. K = [Q₀ … Q_q] spans the Krylov space {op(A)Ω, (AAᵀ)op(A)Ω, …, (AAᵀ)^q op(A)Ω}, and
 *    op(A)ᵀK = [Z₀ … Z_q] has been computed along the way.
 *
 * Passes over A: 2q + 2 — the same as q power iterations of the subspace method
 * (Halko et al. 2011, Alg. 4.4) followed by its projection Qᵀ·A, which is the comparison
 * Musco & Musco make: the Krylov space contains the subspace iterate, so the Rayleigh–Ritz
 * approximation from K is never worse, and it needs far fewer iterations for the same accuracy
 * (Musco & Musco Thm. 1: q = O(log n/√ε) instead of O(log n/ε) for a (1 + ε) Frobenius and
 * spectral error bound). The price is dense work on the n×L basis (≈ 2n·L² flops for the
 * orthogonalization, an L×L SVD for the Rayleigh–Ritz step) instead of n×l.
 *
 * @param a n×m matrix (float32 or float64; the products run in its dtype).
 * @param blockSize l ≥ 1, the columns per block.
 * @param iterations q ≥ 0 (q = 0 is the plain range finder with its projection).
 * @throws {@link LowRankError} `E_ARG` unless 1 ≤ l, 0 ≤ q and (q + 1)·l ≤ min(n, m).
 * @example
 * ```ts
 * const { K, AtK } = blockKrylov(a, 60, 7, { seed: 0 }); // K: n×480, AtK: m×480
 * // Rayleigh–Ritz: svd(AtK) = Uz·S·Vzᵀ, so A ≈ (K·Vz)·S·Uzᵀ
 * ```
 */
export function blockKrylov(a: Matrix, blockSize: number, iterations: number, options: BlockKrylovOptions = {}): BlockKrylovBasis {
  const { Kt, Zt, gram, ...rest } = blockKrylovRows(a, blockSize, iterations, options);
  return { K: Kt.transpose(), AtK: Zt.transpose(), ...rest, gram: gram && { values: gram.values, vectors: eigenvectorColumns(gram.vectorRows, Kt.rows) } };
}

/** The basis of {@link blockKrylovRows}: {@link BlockKrylovBasis} with K and op(A)ᵀ·K held by rows. */
export interface BlockKrylovRows extends Omit<BlockKrylovBasis, 'K' | 'AtK' | 'gram'> {
  /** Kᵀ, L×rows(op(A)), orthonormal rows; A's dtype. */
  Kt: Matrix;
  /** (op(A)ᵀ·K)ᵀ = Kᵀ·op(A), L×cols(op(A)); A's dtype. */
  Zt: Matrix;
  /** When the adaptive stop fired: the eigenpairs of ZᵀZ for the returned basis (see {@link BlockKrylovBasis.gram}). */
  gram?: RitzGram;
}

/**
 * {@link blockKrylov} with the basis held by rows — Kᵀ and Kᵀ·op(A), each block appended as l
 * contiguous rows — which is how the randomized SVD runs it: every product with A comes out as a
 * wide l×n panel (see `matrixRowsOperator`, 1.5–2× faster than the tall one on OpenBLAS), and the
 * blocks are orthonormalized by rows (`choleskyQr2Rows`), so no panel is copied column by column.
 * Same algorithm, options, checks and results (transposed) as {@link blockKrylov}.
 *
 * @throws {@link LowRankError} as {@link blockKrylov}.
 * @example
 * ```ts
 * const { Kt, Zt } = blockKrylovRows(a, 60, 7, { seed: 0 }); // Kt: 480×n, Zt: 480×m
 * ```
 */
export function blockKrylovRows(a: Matrix, blockSize: number, iterations: number, options: BlockKrylovOptions = {}): BlockKrylovRows {
  const transpose = options.transpose ?? false;
  const backend = options.backend ?? getBackend();
  const op = matrixRowsOperator(a, transpose, backend, options.scale);
  const r = Math.min(op.rows, op.cols);
  const l = blockSize;
  const q = iterations;
  if (!Number.isInteger(l) || l < 1) throw new LowRankError('E_ARG', `block Krylov: blockSize must be a positive integer, got ${l}`);
  if (!Number.isInteger(q) || q < 0) throw new LowRankError('E_ARG', `block Krylov: iterations must be a non-negative integer, got ${q}`);
  if ((q + 1) * l > r) {
    throw new LowRankError('E_ARG', `block Krylov: basis size (iterations + 1)·blockSize = ${(q + 1) * l} exceeds min(n, m) = ${r} for a ${a.rows}×${a.cols} matrix`);
  }
  const normalizer = options.normalizer ?? 'qr';
  checkNormalizer(normalizer);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const L = (q + 1) * l;
  const n = op.rows;
  const m = op.cols;
  const Kt = Matrix.zeros(L, n, a.dtype);
  const Zt = Matrix.zeros(L, m, a.dtype);

  const tolRitz = options.tolRitz;
  const wanted = options.wanted ?? l;
  if (tolRitz !== undefined && !(tolRitz >= 0)) throw new LowRankError('E_ARG', `block Krylov: tolRitz must be a number ≥ 0, got ${tolRitz}`);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > l) throw new LowRankError('E_ARG', `block Krylov: wanted must be an integer in [1, ${l}], got ${wanted}`);
  // ‖scale·A‖²_F for the settling test only: rescaled where ‖A‖²_F itself left float64's range.
  const s = options.scale ?? 1;
  const totalSq = tolRitz === undefined ? NaN : sumSquaresScaledBy(options.sumSquares ?? backend.sumSquares(a.data), a.data, s);

  const total = 2 * q + 2;
  // Each new block is produced in its place in Kᵀ and orthonormalized there (CholeskyQR2 through
  // `work`); the l×m panels that normalize the Zᵢ use the sketch's buffer and one more. So no
  // panel is allocated per pass (each cost a page-faulted allocation and, with the rest, GCs
  // under V8's external memory pressure) — the same GEMMs into other buffers, the same bits.
  const sketch = fastGaussianSketch(m, l, rng, a.dtype);
  let yt = op.apply(sketch, true, blockRows(Kt, 0, l));
  const work: KrylovWork | undefined = a.dtype === 'float64' ? { scratchN: new Float64Array(l * n), scratchM: sketch.data as Float64Array, outM: new Float64Array(l * m) } : undefined;
  let passes = 1;
  options.onPass?.(passes, total);
  let prevEnergy = NaN;
  let beforeEnergy = NaN;
  let gram: RitzGram | undefined;
  let ritzChange = NaN;
  let ran = q;
  let stopReason: KrylovStopReason = tolRitz === undefined ? 'fixed' : 'max-passes';
  for (let i = 0; i <= q; i++) {
    const off = i * l;
    // yt is Kᵀ's rows off … off + l − 1; the orthonormal block goes there (in place unless a fallback allocated).
    const target = yt.data;
    const nWork = work && { scratch: work.scratchN, out: target as Float64Array };
    const qi = off === 0 ? orthonormalRows(yt, backend, nWork) : extendBasis(Kt, off, yt, rng, backend, nWork);
    if (qi.data !== target) target.set(qi.data);
    const zt = op.applyT(qi, blockRows(Zt, off, l));
    passes++;
    options.onPass?.(passes, total);
    if (tolRitz !== undefined && q > 1 && i < q && Number.isFinite(totalSq)) {
      gram = ritzGram(Zt, off + l, backend);
      const energy = gram ? wantedEnergy(gram, wanted) : NaN;
      if (i > 1 && Number.isFinite(energy)) {
        ritzChange = ritzSettled(beforeEnergy, prevEnergy, energy, totalSq);
        if (ritzChange <= tolRitz) {
          ran = i;
          stopReason = 'converged';
          break;
        }
      }
      beforeEnergy = prevEnergy;
      prevEnergy = energy;
    }
    if (i < q) {
      const mWork = work && { scratch: work.scratchM, out: work.outM };
      yt = op.apply(normalizer === 'qr' ? orthonormalRows(zt, backend, mWork) : byColumns(zt, (z) => normalizePanel(z, normalizer, backend)), false, blockRows(Kt, off + l, l));
      passes++;
      options.onPass?.(passes, total);
    }
  }
  if (ran < q) return { Kt: leadingRows(Kt, (ran + 1) * l), Zt: leadingRows(Zt, (ran + 1) * l), passes, iterations: ran, stopReason, ritzChange, gram };
  return { Kt, Zt, passes, iterations: q, stopReason, ritzChange };
}

/**
 * Σ_{i≤k} σ̂ᵢ² from the eigenpairs of the Gram matrix ZᵀZ of the basis so far (`ritzGram`): the Ritz
 * values σ̂ of the basis are the singular values of Z = op(A)ᵀ·K, so σ̂² are those eigenvalues
 * (squaring loses nothing the settling test needs: it compares energies, which is what Frobenius
 * errors are made of).
 */
function wantedEnergy(gram: RitzGram, k: number): number {
  const values = gram.values; // ascending
  let e = 0;
  for (let i = Math.max(0, values.length - k); i < values.length; i++) e += Math.max(0, values[i]);
  return e;
}

/** The panel buffers {@link blockKrylovRows} reuses from pass to pass (float64 runs; l×n and l×m each). */
interface KrylovWork {
  /** CholeskyQR2's first round on the l×n blocks of the basis. */
  scratchN: Float64Array;
  /** CholeskyQR2's first round on the l×m panels Zᵢᵀ (the starting sketch's buffer, free once A·Ω is formed). */
  scratchM: Float64Array;
  /** The orthonormalized Zᵢᵀ, the operand of the next pass. */
  outM: Float64Array;
}

/** Rows first … first + count − 1 of X, as a view of its storage. */
function blockRows(x: Matrix, first: number, count: number): FloatArray {
  return x.data.subarray(first * x.cols, (first + count) * x.cols);
}

/**
 * An orthonormal basis of a panel held by rows (Yᵀ, l×n): CholeskyQR2 (GEMMs) when it applies —
 * into `work`'s buffers when given (see `choleskyQr2Rows`) — else Householder QR (a new array).
 */
function orthonormalRows(yt: Matrix, backend: Backend, work?: CholeskyQrRowsWork): Matrix {
  return choleskyQr2Rows(yt, backend, work)?.Qt ?? byColumns(yt, (y) => orthonormalize(y, { backend }));
}

/** f applied to the tall panel Y of a panel held by rows (Yᵀ), its result returned by rows: for the rare paths that need the tall layout. */
function byColumns(yt: Matrix, f: (y: Matrix) => Matrix): Matrix {
  return f(yt.transpose()).transpose();
}

/** The first `rows` rows of X, as a view. */
function leadingRows(x: Matrix, rows: number): Matrix {
  return new Matrix(rows, x.cols, blockRows(x, 0, rows));
}

/**
 * The next orthonormal block of the basis, by rows (l×n), from Yᵀ (l×n, the new Krylov block):
 * Y with its components along the first `cols` basis vectors (rows of Kᵀ, orthonormal)
 * removed, orthonormalized, and orthogonal to them to working precision.
 *
 * Deflation: when the Krylov space stops growing (A of rank below the basis size — a constant
 * matrix is rank 1), the projected Y is rounding noise, and that noise lies almost entirely
 * *inside* span(K): it is K·δc, the rounding error of the coefficients c = KᵀY. Normalizing it
 * and projecting again only reproduces rounding error in span(K), so Gram–Schmidt never leaves
 * span(K) ("twice is enough" assumes Y is numerically outside it), and the basis gets repeated
 * directions: KᵀK ≠ I, Ritz values above ‖A‖_F. So the projected Y = Q·R is split by a small SVD
 * of R into directions above the rank tolerance max(n, L)·ε·‖Y‖_F (numpy's `matrix_rank` rule, ε
 * of A's dtype), which are kept, and the rest, which are replaced by Gaussian vectors (the random
 * restart ARPACK's `dgetv0` makes on an invariant subspace). The SVD is skipped when CholeskyQR2's
 * lower bound of σ_min(R) already clears the tolerance (the usual case). Any orthonormal extension
 * keeps the Rayleigh–Ritz step exact (error = ‖A‖²_F − Σσ̂², σ̂ᵢ ≤ σᵢ), and the Krylov space found
 * so far — which then holds an invariant subspace — is kept whole.
 *
 * Yᵀ is projected in place; with `work` (float64), CholeskyQR2 writes the block into `work.out`
 * (Yᵀ's own storage, a view of Kᵀ's next rows, is what the caller passes), else into new arrays.
 */
function extendBasis(Kt: Matrix, cols: number, yt: Matrix, rng: Rng, backend: Backend, work?: CholeskyQrRowsWork): Matrix {
  const n = Kt.cols;
  const l = yt.rows;
  const eps = dtypeEpsilon(yt.dtype);
  const tol = Math.max(n, cols + l) * eps * normFromSumSquares(backend.sumSquares(yt.data), yt.data);
  projectOut(Kt, cols, yt, backend, false);
  const fast = choleskyQr2Rows(yt, backend, work); // float64 only
  let qi: Matrix;
  if (fast && fast.minSingularBound > tol) {
    qi = fast.Qt;
  } else {
    const f = fast ? { Q: fast.Qt.transpose(), R: fast.rFactor() } : qr(yt.transpose(), { backend }); // Q n×l, R l×l (float64)
    const small = svd(f.R, { backend });
    let kept = 0;
    while (kept < l && small.S[kept] > tol) kept++;
    if (kept === l) {
      qi = (yt.dtype === 'float64' ? f.Q : f.Q.astype(yt.dtype)).transpose();
    } else {
      // Kept directions Q·U_R[:, :kept], then fresh Gaussian columns.
      const block = Matrix.zeros(n, l);
      if (kept > 0) {
        const ur = new Matrix(l, kept, new Float64Array(l * kept));
        for (let i = 0; i < l; i++) for (let j = 0; j < kept; j++) ur.data[i * kept + j] = small.U.data[i * l + j];
        const top = matmul(f.Q, ur, { backend });
        for (let i = 0; i < n; i++) for (let j = 0; j < kept; j++) block.data[i * l + j] = top.data[i * kept + j];
      }
      const fresh = gaussianSketch(n, l - kept, rng);
      for (let i = 0; i < n; i++) for (let j = kept; j < l; j++) block.data[i * l + j] = fresh.data[i * (l - kept) + j - kept];
      qi = orthonormalize(block, { backend, dtype: yt.dtype }).transpose();
    }
  }
  // Orthonormalize and re-orthogonalize against K until the block is orthogonal to it to √ε:
  // then QᵀQ = I − cᵀc is the identity to working precision.
  const threshold = Math.sqrt(eps);
  for (let pass = 0; pass < MAX_REORTHOGONALIZATIONS; pass++) {
    if (projectOut(Kt, cols, qi, backend) <= threshold) return qi;
    qi = orthonormalRows(qi, backend, work);
  }
  throw new LowRankError('E_DIVERGED', `block Krylov: block ${cols / l} did not become orthogonal to the basis in ${MAX_REORTHOGONALIZATIONS} passes`);
}

/**
 * Yᵀ ← Yᵀ·(I − K₀K₀ᵀ) in place, for a panel held by rows (Yᵀ, l×n) and K₀ᵀ the first `cols` rows
 * of Kᵀ (orthonormal): cᵀ = Yᵀ·K₀, then Yᵀ −= cᵀ·K₀ᵀ. Returns max |cᵢⱼ| when `measure` (else NaN:
 * no pass over c).
 */
function projectOut(Kt: Matrix, cols: number, yt: Matrix, backend: Backend, measure = true): number {
  const n = Kt.cols;
  const l = yt.rows;
  const ct = new Matrix(l, cols, yt.dtype === 'float32' ? new Float32Array(cols * l) : new Float64Array(cols * l));
  backend.gemm({ transA: false, transB: true, m: l, n: cols, k: n, alpha: 1, a: yt.data, lda: n, b: Kt.data, ldb: n, beta: 0, c: ct.data, ldc: cols });
  backend.gemm({ transA: false, transB: false, m: l, n, k: cols, alpha: -1, a: ct.data, lda: cols, b: Kt.data, ldb: n, beta: 1, c: yt.data, ldc: n });
  if (!measure) return NaN;
  let max = 0;
  for (let i = 0; i < ct.data.length; i++) max = Math.max(max, Math.abs(ct.data[i]));
  return max;
}
