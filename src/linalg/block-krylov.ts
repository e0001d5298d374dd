import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { matmul } from './matmul.js';
import { safeNorm } from './norms.js';
import { choleskyQr2 } from './cholesky-qr.js';
import { orthonormalize, qr } from './qr.js';
import { checkNormalizer, gaussianSketch, matrixOperator, normalizePanel, type RangeNormalizer } from './randomized-range.js';
import { svd } from './svd.js';
import { symmetricEigen, type SymmetricEigen } from './eigh.js';
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
  const transpose = options.transpose ?? false;
  const backend = options.backend ?? getBackend();
  const op = matrixOperator(a, transpose, backend, options.scale);
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
  const K = Matrix.zeros(n, L, a.dtype);
  const AtK = Matrix.zeros(m, L, a.dtype);

  const tolRitz = options.tolRitz;
  const wanted = options.wanted ?? l;
  if (tolRitz !== undefined && !(tolRitz >= 0)) throw new LowRankError('E_ARG', `block Krylov: tolRitz must be a number ≥ 0, got ${tolRitz}`);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > l) throw new LowRankError('E_ARG', `block Krylov: wanted must be an integer in [1, ${l}], got ${wanted}`);
  // ‖op(A)‖²_F of scale·A, for the settling test only.
  const s = options.scale ?? 1;
  const totalSq = tolRitz === undefined ? NaN : (options.sumSquares ?? backend.sumSquares(a.data)) * s * s;

  const total = 2 * q + 2;
  let y = op.apply(gaussianSketch(m, l, rng, a.dtype));
  let passes = 1;
  options.onPass?.(passes, total);
  let prevEnergy = NaN;
  let beforeEnergy = NaN;
  let gram: SymmetricEigen | undefined;
  let ritzChange = NaN;
  let ran = q;
  let stopReason: KrylovStopReason = tolRitz === undefined ? 'fixed' : 'max-passes';
  for (let i = 0; i <= q; i++) {
    const off = i * l;
    const qi = off === 0 ? orthonormalBlock(y, backend) : extendBasis(K, off, y, rng, backend);
    setColumns(K, off, qi);
    const z = op.applyT(qi);
    passes++;
    options.onPass?.(passes, total);
    setColumns(AtK, off, z);
    if (tolRitz !== undefined && q > 1 && i < q && Number.isFinite(totalSq)) {
      const ritz = wantedRitzEnergy(AtK, off + l, wanted, backend);
      const energy = ritz.energy;
      gram = ritz.gram;
      if (i > 1) {
        ritzChange = ritzSettled(beforeEnergy, prevEnergy, energy, totalSq);
        if (ritzChange <= tolRitz && i < q) {
          ran = i;
          stopReason = 'converged';
          break;
        }
      }
      beforeEnergy = prevEnergy;
      prevEnergy = energy;
    }
    if (i < q) {
      y = op.apply(normalizer === 'qr' ? orthonormalBlock(z, backend) : normalizePanel(z, normalizer, backend));
      passes++;
      options.onPass?.(passes, total);
    }
  }
  if (ran < q) return { K: leadingColumns(K, (ran + 1) * l), AtK: leadingColumns(AtK, (ran + 1) * l), passes, iterations: ran, stopReason, ritzChange, gram };
  return { K, AtK, passes, iterations: q, stopReason, ritzChange };
}

/**
 * Σ_{i≤k} σ̂ᵢ² for the first `cols` columns Z of op(A)ᵀ·K: the Ritz values σ̂ of the basis are the
 * singular values of Z, so σ̂² are the eigenvalues of the cols×cols Gram matrix ZᵀZ (one GEMM of
 * m·cols² flops and a small symmetric eigensolve, LAPACK `dsyevd` on the native tier; squaring loses nothing the settling test needs: it compares
 * energies, which is what Frobenius errors are made of). Computed in float64, with the
 * eigenpairs; energy NaN when the squares overflow (entries beyond ≈ 1e154: the settling test
 * then never fires).
 */
function wantedRitzEnergy(AtK: Matrix, cols: number, k: number, backend: Backend): { energy: number; gram?: SymmetricEigen } {
  const m = AtK.rows;
  const z = AtK.dtype === 'float64' ? AtK : AtK.astype('float64');
  const g = new Matrix(cols, cols, new Float64Array(cols * cols));
  backend.gemm({ transA: true, transB: false, m: cols, n: cols, k: m, alpha: 1, a: z.data, lda: z.cols, b: z.data, ldb: z.cols, beta: 0, c: g.data, ldc: cols });
  for (let i = 0; i < g.data.length; i++) if (!Number.isFinite(g.data[i])) return { energy: NaN }; // squares beyond float64: no adaptive stop
  const gram = symmetricEigen(g, { backend });
  const values = gram.values; // ascending
  let e = 0;
  for (let i = Math.max(0, values.length - k); i < values.length; i++) e += Math.max(0, values[i]);
  return { energy: e, gram };
}

/** An orthonormal basis of a tall panel's span: CholeskyQR2 (GEMMs) when it applies, else Householder QR. */
function orthonormalBlock(y: Matrix, backend: Backend): Matrix {
  return choleskyQr2(y, backend)?.Q ?? orthonormalize(y, { backend });
}

/** The first `cols` columns of X as a new matrix. */
function leadingColumns(x: Matrix, cols: number): Matrix {
  const out = Matrix.zeros(x.rows, cols, x.dtype);
  const w = x.cols;
  for (let i = 0; i < x.rows; i++) out.data.set(x.data.subarray(i * w, i * w + cols), i * cols);
  return out;
}

/**
 * The next orthonormal block of the basis from Y (n×l, the new Krylov block): Y with its
 * components along the first `cols` columns of K (orthonormal) removed, orthonormalized, and
 * orthogonal to those columns to working precision.
 *
 * Deflation: when the Krylov space stops growing (A of rank below the basis size — a constant
 * matrix is rank 1), the projected Y is rounding noise, and that noise lies almost entirely
 * *inside* span(K): it is K·δc, the rounding error of the coefficients c = KᵀY. Normalizing it
 * and projecting again only reproduces rounding error in span(K), so Gram–Schmidt never leaves
 * span(K) ("twice is enough" assumes Y is numerically outside it), and the basis gets repeated
 * directions: KᵀK ≠ I, Ritz values above ‖A‖_F. So the projected Y is split by a small SVD into
 * directions above the rank tolerance max(n, L)·ε·‖Y‖_F (numpy's `matrix_rank` rule, ε of
 * A's dtype), which are kept, and the rest, which are replaced by Gaussian vectors (the random
 * restart ARPACK's `dgetv0` makes on an invariant subspace). Any orthonormal extension keeps the
 * Rayleigh–Ritz step exact (error = ‖A‖²_F − Σσ̂², σ̂ᵢ ≤ σᵢ), and the Krylov space found so far —
 * which then holds an invariant subspace — is kept whole.
 */
function extendBasis(K: Matrix, cols: number, y: Matrix, rng: Rng, backend: Backend): Matrix {
  const n = K.rows;
  const l = y.cols;
  const eps = dtypeEpsilon(y.dtype);
  const scale = safeNorm(y.data);
  projectOut(K, cols, y, backend);
  const f = choleskyQr2(y, backend) ?? qr(y, { backend }); // Q n×l, R l×l (float64)
  const small = svd(f.R, { backend });
  const tol = Math.max(n, cols + l) * eps * scale;
  let kept = 0;
  while (kept < l && small.S[kept] > tol) kept++;
  let qi: Matrix;
  if (kept === l) {
    qi = y.dtype === 'float64' ? f.Q : f.Q.astype(y.dtype);
  } else {
    let block: Matrix;
    // Kept directions Q·U_R[:, :kept], then fresh Gaussian columns.
    block = Matrix.zeros(n, l);
    if (kept > 0) {
      const ur = new Matrix(l, kept, new Float64Array(l * kept));
      for (let i = 0; i < l; i++) for (let j = 0; j < kept; j++) ur.data[i * kept + j] = small.U.data[i * l + j];
      const top = matmul(f.Q, ur, { backend });
      for (let i = 0; i < n; i++) for (let j = 0; j < kept; j++) block.data[i * l + j] = top.data[i * kept + j];
    }
    const fresh = gaussianSketch(n, l - kept, rng);
    for (let i = 0; i < n; i++) for (let j = kept; j < l; j++) block.data[i * l + j] = fresh.data[i * (l - kept) + j - kept];
    qi = orthonormalize(block, { backend, dtype: y.dtype });
  }
  // Orthonormalize and re-orthogonalize against K until the block is orthogonal to it to √ε:
  // then QᵀQ = I − cᵀc is the identity to working precision.
  const threshold = Math.sqrt(eps);
  for (let pass = 0; pass < MAX_REORTHOGONALIZATIONS; pass++) {
    if (projectOut(K, cols, qi, backend) <= threshold) return qi;
    qi = orthonormalize(qi, { backend });
  }
  throw new LowRankError('E_DIVERGED', `block Krylov: block ${cols / l} did not become orthogonal to the basis in ${MAX_REORTHOGONALIZATIONS} passes`);
}

/** Y ← (I − K₀K₀ᵀ)·Y in place, where K₀ is the first `cols` columns of K (orthonormal). */
function projectOut(K: Matrix, cols: number, y: Matrix, backend: Backend): number {
  const n = K.rows;
  const l = y.cols;
  const c = new Matrix(cols, l, y.dtype === 'float32' ? new Float32Array(cols * l) : new Float64Array(cols * l));
  backend.gemm({ transA: true, transB: false, m: cols, n: l, k: n, alpha: 1, a: K.data, lda: K.cols, b: y.data, ldb: l, beta: 0, c: c.data, ldc: l });
  backend.gemm({ transA: false, transB: false, m: n, n: l, k: cols, alpha: -1, a: K.data, lda: K.cols, b: c.data, ldb: l, beta: 1, c: y.data, ldc: l });
  let max = 0;
  for (let i = 0; i < c.data.length; i++) max = Math.max(max, Math.abs(c.data[i]));
  return max;
}

/** Copies the columns of `src` (rows×l) into columns off … off+l−1 of `dst` (row by row, as typed-array copies). */
function setColumns(dst: Matrix, off: number, src: Matrix): void {
  const L = dst.cols;
  const l = src.cols;
  const d = dst.data;
  const x = src.data;
  for (let i = 0; i < dst.rows; i++) d.set(x.subarray(i * l, i * l + l), i * L + off);
}
