import { LowRankError } from '../core/errors.js';
import { Matrix, assertFinite, type DType } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';

/**
 * Householder QR factorization (LAPACK `dgeqrf` / `dgeqp3` / `dorgqr` style), always computed
 * in float64.
 *
 * Storage: the working matrix is kept **transposed** (column j of A is the contiguous row j of
 * the buffer), so every reflector is built from and applied to contiguous memory. Reflectors
 * are grouped in blocks of {@link QR_BLOCK} and aggregated in the compact-WY form
 * `H₀H₁⋯H_{b−1} = I − V T Vᵀ` (Schreiber & Van Loan 1989; Golub & Van Loan, *Matrix
 * Computations* 4th ed., Alg. 5.2.2 and §5.1.7), so trailing updates and the formation or
 * application of Q are three GEMMs per block through the backend.
 *
 * Column pivoting (Businger & Golub 1965; partial-norm downdating of Drmač & Bujanović 2008,
 * LAPACK Working Note 176) is unblocked; it is used as the preconditioner of the Jacobi SVD.
 */

/** Number of Householder reflectors aggregated into one compact-WY block. */
export const QR_BLOCK = 32;

const EPS = 2 ** -52;
const TOL3Z = Math.sqrt(EPS);
/** LAPACK's safe minimum over ε (dlarfg's `safmin`), 2⁻⁹⁶⁹: below it reflector vectors are rescaled. */
const SAFE_MIN = 2 ** -969;

/** One compact-WY block of reflectors j0 … j0+nb−1: `H_{j0}⋯H_{j0+nb−1} = I − V T Vᵀ`. */
interface ReflectorBlock {
  /** Index of the first reflector (and first row it touches). */
  j0: number;
  /** Number of reflectors in the block. */
  nb: number;
  /** Length of the reflector vectors: n − j0. */
  len: number;
  /** Vᵀ as nb×len row-major, unit diagonal and zeros left of it made explicit. */
  vt: Float64Array;
  /** T, nb×nb upper triangular, row-major. */
  t: Float64Array;
}

/** Options of {@link householderQr}. */
export interface QrOptions {
  /**
   * Column pivoting (QRCP): at each step the remaining column of largest norm is moved to the
   * front, so |R₀₀| ≥ |R₁₁| ≥ … and `A·P = Q·R`. Default `false` (blocked, faster).
   */
  pivoting?: boolean;
  /** Kernel tier for the GEMMs (default: the current backend). */
  backend?: Backend;
}

/**
 * A Householder QR factorization `A·P = Q·R` of an n×m matrix A held in compact form
 * (reflectors + compact-WY blocks), with r = min(n, m) reflectors.
 * Q is the n×n orthogonal product `H₀H₁⋯H_{r−1}`; its first r columns are the thin Q.
 * Without pivoting P is the identity and {@link HouseholderQr.perm} is `null`.
 *
 * Build it with {@link householderQr}.
 *
 * @example
 * ```ts
 * const f = householderQr(a);          // a: n×m
 * const qtb = f.applyQt(b);            // Qᵀ·b without forming Q (b: n×k)
 * const q = f.Q(), r = f.R();          // thin factors
 * ```
 */
export class HouseholderQr {
  /** n, rows of A. */
  readonly rows: number;
  /** m, columns of A. */
  readonly cols: number;
  /** r = min(n, m), the number of reflectors. */
  readonly k: number;
  /**
   * Column permutation (length m) when pivoting: column i of A·P is column `perm[i]` of A.
   * `null` without pivoting.
   */
  readonly perm: Int32Array | null;
  /** Transposed working storage (m×n): row j holds R[0..j, j] then the reflector v_j below. */
  private readonly w: Float64Array;
  private readonly blocks: ReflectorBlock[];
  private readonly backend: Backend;

  /** @internal use {@link householderQr}. */
  constructor(rows: number, cols: number, w: Float64Array, perm: Int32Array | null, blocks: ReflectorBlock[], backend: Backend) {
    this.rows = rows;
    this.cols = cols;
    this.k = Math.min(rows, cols);
    this.w = w;
    this.perm = perm;
    this.blocks = blocks;
    this.backend = backend;
  }

  /** The r×m upper-triangular factor R (float64), r = min(n, m). */
  R(): Matrix {
    const { rows: n, cols: m, k: r, w } = this;
    const out = new Float64Array(r * m);
    for (let c = 0; c < m; c++) {
      const wc = c * n;
      const top = Math.min(c, r - 1);
      for (let i = 0; i <= top; i++) out[i * m + c] = w[wc + i];
    }
    return new Matrix(r, m, out);
  }

  /** The diagonal of R (length r), e.g. for rank estimation after pivoting. */
  diagR(): Float64Array {
    const out = new Float64Array(this.k);
    for (let i = 0; i < this.k; i++) out[i] = this.w[i * this.rows + i];
    return out;
  }

  /** The thin Q: the first r columns of `H₀⋯H_{r−1}`, n×r float64 with orthonormal columns. */
  Q(): Matrix {
    const { rows: n, k: r } = this;
    const q = new Float64Array(n * r);
    for (let i = 0; i < r; i++) q[i * r + i] = 1;
    // Blocks touch rows ≥ j0 only, so columns < j0 of [I; 0] are still unit vectors when the
    // block starting at j0 is applied: restrict each update to columns ≥ j0 (as dorgqr does).
    applyBlocks(this.blocks, q, r, false, true, this.backend);
    return new Matrix(n, r, q);
  }

  /**
   * Q·B for the full n×n orthogonal Q, as a new n×k float64 matrix.
   * @throws {@link LowRankError} `E_SHAPE` when B does not have n rows.
   */
  applyQ(b: Matrix): Matrix {
    return this.apply(b, false, 'applyQ');
  }

  /**
   * Qᵀ·B for the full n×n orthogonal Q, as a new n×k float64 matrix.
   * @throws {@link LowRankError} `E_SHAPE` when B does not have n rows.
   */
  applyQt(b: Matrix): Matrix {
    return this.apply(b, true, 'applyQt');
  }

  private apply(b: Matrix, transpose: boolean, what: string): Matrix {
    if (b.rows !== this.rows) {
      throw new LowRankError('E_SHAPE', `${what}: B has ${b.rows} rows, expected ${this.rows} (the rows of the factored matrix)`);
    }
    const out = new Float64Array(b.data.length);
    out.set(b.data);
    applyBlocks(this.blocks, out, b.cols, transpose, false, this.backend);
    return new Matrix(b.rows, b.cols, out);
  }
}

/**
 * Householder QR of an n×m matrix in compact form: `A·P = Q·R` (P = I unless pivoting).
 * The input is not modified; float32 input is converted to float64 for the computation.
 *
 * Without pivoting the factorization is blocked (compact WY, {@link QR_BLOCK} columns per
 * panel; Golub & Van Loan Alg. 5.2.2), so almost all flops of wide panels are GEMMs. With
 * `pivoting: true` it is LAPACK `dgeqp3`'s column-pivoted QR (unblocked, norms downdated as in
 * LAWN 176).
 *
 * @param a n×m input matrix (finite).
 * @returns the factorization; call `.Q()`, `.R()`, `.applyQ(b)`, `.applyQt(b)`.
 * @throws {@link LowRankError} `E_NONFINITE` when A holds NaN or ±Inf.
 * @example
 * ```ts
 * const f = householderQr(a, { pivoting: true });
 * const r = f.R();       // min(n,m)×m, |r₀₀| ≥ |r₁₁| ≥ …
 * const q = f.Q();       // n×min(n,m)
 * // a[:, f.perm[i]] ≈ q · r[:, i]
 * ```
 */
export function householderQr(a: Matrix, options: QrOptions = {}): HouseholderQr {
  assertFinite(a, 'qr: matrix');
  const n = a.rows;
  const m = a.cols;
  const w = transposeToFloat64(a);
  const backend = options.backend ?? getBackend();
  if (options.pivoting) {
    const { perm, tau } = factorPivoted(w, n, m);
    return new HouseholderQr(n, m, w, perm, buildBlocks(w, n, Math.min(n, m), tau), backend);
  }
  const blocks = factorBlocked(w, n, m, backend);
  return new HouseholderQr(n, m, w, null, blocks, backend);
}

/**
 * Thin QR of an n×m matrix by Householder reflections (computed in float64):
 * `A = Q·R` with Q n×r having orthonormal columns and R r×m upper triangular, r = min(n, m).
 * Works for tall, wide, square and rank-deficient A (Q stays orthonormal; R's diagonal then
 * has zeros or tiny entries). Diagonal entries of R may be negative (as in LAPACK / numpy).
 *
 * Algorithm: blocked Householder QR with compact-WY aggregation (Golub & Van Loan, *Matrix
 * Computations* 4th ed., Alg. 5.2.2 and §5.1.7), Q formed backwards block by block as LAPACK
 * `dorgqr` does. When the backend has LAPACK (the native tier), LAPACK's own `dgeqrf` +
 * `dorgqr` run instead.
 *
 * @param a n×m matrix, float32 or float64 (float32 is converted to float64).
 * @param options `backend`: kernel tier for the GEMMs (default: the current backend).
 * @returns `{ Q: n×r, R: r×m }`, both float64.
 * @throws {@link LowRankError} `E_NONFINITE` when A holds NaN or ±Inf.
 * @example
 * ```ts
 * const { Q, R } = qr(Matrix.fromRows([[1, 2], [3, 4], [5, 6]]));
 * // Q: 3×2, QᵀQ = I; R: 2×2 upper triangular; Q·R = A
 * ```
 */
export function qr(a: Matrix, options: { backend?: Backend } = {}): { Q: Matrix; R: Matrix } {
  const lapack = lapackQr(a, options.backend);
  if (lapack) return lapack;
  const f = householderQr(a, { backend: options.backend });
  return { Q: f.Q(), R: f.R() };
}

/**
 * Thin QR through the backend's LAPACK (`dgeqrf` + `dorgqr`) when it has one (the native tier),
 * in float64; `null` otherwise.
 */
function lapackQr(a: Matrix, backend: Backend | undefined): { Q: Matrix; R: Matrix } | null {
  const be = backend ?? getBackend();
  if (!be.qr) return null;
  assertFinite(a, 'qr: matrix');
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  const Q = Matrix.zeros(n, r);
  const R = Matrix.zeros(r, m);
  if (r > 0) be.qr({ rows: n, cols: m, a: a.dtype === 'float64' ? a.data : a.astype('float64').data, q: Q.data, r: R.data });
  return { Q, R };
}

/** Options of {@link orthonormalize}. */
export interface OrthonormalizeOptions {
  /** dtype of the result (default: the input's dtype, so `Qᵀ·A` needs no conversion). */
  dtype?: DType;
  /** Kernel tier for the GEMMs (default: the current backend). */
  backend?: Backend;
}

/**
 * An orthonormal basis of the column space of an n×m matrix: the thin Q of its Householder QR
 * (n×min(n,m)). This is the range finder's orthonormalization step of randomized SVD (Halko,
 * Martinsson & Tropp 2011, Alg. 4.1 step 3 and Alg. 4.4's re-orthonormalizations).
 * Computed in float64 whatever the input dtype; rounded to `dtype` at the end.
 * Rank-deficient input still gives orthonormal columns (they then span more than range(A)).
 *
 * @param a n×m matrix (usually tall: n ≥ m, e.g. the sketch Y = A·Ω).
 * @returns Q, n×min(n,m), orthonormal columns, dtype `options.dtype ?? a.dtype`.
 * @throws {@link LowRankError} `E_NONFINITE` when A holds NaN or ±Inf.
 * @example
 * ```ts
 * const q = orthonormalize(y);                  // y: 4000×60 → q: 4000×60
 * const b = matmul(q, a, { transA: true });     // Qᵀ·A
 * ```
 */
export function orthonormalize(a: Matrix, options: OrthonormalizeOptions = {}): Matrix {
  const q = lapackQr(a, options.backend)?.Q ?? householderQr(a, { backend: options.backend }).Q();
  const dtype = options.dtype ?? a.dtype;
  return dtype === 'float64' ? q : q.astype(dtype);
}

// ---------------------------------------------------------------------------------------------
// Internals. `w` is the transposed storage (m×n, row-major): element (i, c) of A is w[c*n + i].

/** Copies A (any dtype) into a new Float64Array holding Aᵀ row-major (m×n). */
function transposeToFloat64(a: Matrix): Float64Array {
  const { rows: n, cols: m, data } = a;
  const out = new Float64Array(n * m);
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = 0; j0 < m; j0 += B) {
      const j1 = Math.min(m, j0 + B);
      for (let i = i0; i < i1; i++) {
        const ai = i * m;
        for (let j = j0; j < j1; j++) out[j * n + i] = data[ai + j];
      }
    }
  }
  return out;
}

/**
 * Euclidean norm of the slice x[off .. off+len), safe against overflow and underflow: a plain
 * sum of squares, redone with scaling by the largest |xᵢ| only when that sum overflowed or
 * fell into the subnormal range (the idea of LAPACK `dnrm2`, at the cost of one pass).
 *
 * @example
 * ```ts
 * norm2(Float64Array.of(3, 4, 1e300), 0, 2); // 5
 * ```
 */
export function norm2(x: Float64Array, off: number, len: number): number {
  let s = 0;
  for (let i = off, e = off + len; i < e; i++) s += x[i] * x[i];
  // Plain sum of squares is exact enough unless it overflowed or entered the subnormal range.
  if (s < Infinity && s > 1e-290) return Math.sqrt(s);
  if (s === 0) {
    // Either truly zero or every square underflowed: check with a scaled pass.
    let any = false;
    for (let i = off, e = off + len; i < e; i++) if (x[i] !== 0) { any = true; break; }
    if (!any) return 0;
  }
  let scale = 0;
  for (let i = off, e = off + len; i < e; i++) scale = Math.max(scale, Math.abs(x[i]));
  if (scale === 0) return 0;
  // Divide rather than multiply by 1/scale: for a subnormal scale 1/scale overflows to ∞.
  let t = 0;
  for (let i = off, e = off + len; i < e; i++) {
    const y = x[i] / scale;
    t += y * y;
  }
  return scale * Math.sqrt(t);
}

/**
 * Builds the reflector H = I − τ v vᵀ with H·x = β e₀ for x = w[off .. off+len) (LAPACK
 * `dlarfg`): on return w[off] = β and w[off+1 ..] = v[1 ..] (v₀ = 1 implicit). Returns τ
 * (0 when x[1..] is zero: H = I).
 */
function makeReflector(w: Float64Array, off: number, len: number): number {
  if (len <= 1) return 0;
  // As dlarfg: a vector near the underflow threshold (rounding noise of a rank-deficient matrix,
  // shrinking step by step) is first scaled by a power of two (exact), or v = x/(α − β) loses
  // its digits in the subnormal range and H is no longer orthogonal. τ and v are scale-invariant.
  let big = 0;
  for (let i = off, e = off + len; i < e; i++) big = Math.max(big, Math.abs(w[i]));
  if (big === 0) return 0;
  const shift = big < SAFE_MIN ? -Math.floor(Math.log2(big)) : 0;
  if (shift !== 0) scaleSegment(w, off, len, shift);
  const tau = makeScaledReflector(w, off, len);
  if (shift !== 0) w[off] *= 2 ** -shift;
  return tau;
}

/** Multiplies x[off .. off+len) by 2^e (e ≤ 2000; exact, in steps that never overflow). */
function scaleSegment(w: Float64Array, off: number, len: number, e: number): void {
  while (e > 0) {
    const step = Math.min(e, 1000);
    const f = 2 ** step;
    for (let i = off, end = off + len; i < end; i++) w[i] *= f;
    e -= step;
  }
}

/** {@link makeReflector} for a vector whose largest entry is above {@link SAFE_MIN}. */
function makeScaledReflector(w: Float64Array, off: number, len: number): number {
  const alpha = w[off];
  const xnorm = norm2(w, off + 1, len - 1);
  if (xnorm === 0) return 0;
  const mag = Math.hypot(alpha, xnorm);
  const beta = alpha >= 0 ? -mag : mag;
  const tau = (beta - alpha) / beta;
  const d = alpha - beta;
  const inv = 1 / d;
  if (Number.isFinite(inv)) {
    for (let i = off + 1, e = off + len; i < e; i++) w[i] *= inv;
  } else {
    for (let i = off + 1, e = off + len; i < e; i++) w[i] /= d;
  }
  w[off] = beta;
  return tau;
}

/** Applies H_j = I − τ v vᵀ (v stored at w[vOff..], v₀ = 1) to x = w[xOff .. xOff+len). */
function applyReflector(w: Float64Array, vOff: number, xOff: number, len: number, tau: number): void {
  let s = w[xOff];
  for (let i = 1; i < len; i++) s += w[vOff + i] * w[xOff + i];
  s *= tau;
  if (s === 0) return;
  w[xOff] -= s;
  for (let i = 1; i < len; i++) w[xOff + i] -= s * w[vOff + i];
}

/**
 * Builds the compact-WY block for reflectors j0 … j0+nb−1 (stored in w, taus in `tau`):
 * explicit Vᵀ (nb×len) and the upper-triangular T of LAPACK `dlarft` (forward, columnwise).
 */
function makeBlock(w: Float64Array, n: number, j0: number, nb: number, tau: Float64Array): ReflectorBlock {
  const len = n - j0;
  const vt = new Float64Array(nb * len);
  for (let l = 0; l < nb; l++) {
    const j = j0 + l;
    const row = l * len;
    vt[row + l] = 1;
    const src = j * n;
    for (let i = j + 1; i < n; i++) vt[row + i - j0] = w[src + i];
  }
  const t = new Float64Array(nb * nb);
  const z = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    const ti = tau[j0 + i];
    t[i * nb + i] = ti;
    if (ti === 0 || i === 0) continue;
    // z_l = −τ_i · (v_l · v_i) for l < i; v_i is zero before index i.
    const vi = i * len;
    for (let l = 0; l < i; l++) {
      const vl = l * len;
      let s = 0;
      for (let p = i; p < len; p++) s += vt[vl + p] * vt[vi + p];
      z[l] = -ti * s;
    }
    // T[0:i, i] = T[0:i, 0:i] · z  (T upper triangular).
    for (let l = 0; l < i; l++) {
      let s = 0;
      for (let p = l; p < i; p++) s += t[l * nb + p] * z[p];
      t[l * nb + i] = s;
    }
  }
  return { j0, nb, len, vt, t };
}

/** Groups reflectors 0 … r−1 into compact-WY blocks of QR_BLOCK. */
function buildBlocks(w: Float64Array, n: number, r: number, tau: Float64Array): ReflectorBlock[] {
  const blocks: ReflectorBlock[] = [];
  for (let j0 = 0; j0 < r; j0 += QR_BLOCK) blocks.push(makeBlock(w, n, j0, Math.min(QR_BLOCK, r - j0), tau));
  return blocks;
}

/** Blocked Householder QR without pivoting (dgeqrf): panel factorization + GEMM trailing updates. */
function factorBlocked(w: Float64Array, n: number, m: number, backend: Backend): ReflectorBlock[] {
  const r = Math.min(n, m);
  const tau = new Float64Array(r);
  const blocks: ReflectorBlock[] = [];
  for (let j0 = 0; j0 < r; j0 += QR_BLOCK) {
    const nb = Math.min(QR_BLOCK, r - j0);
    const j1 = j0 + nb;
    // Panel: unblocked QR of columns j0 … j1−1 (contiguous rows of w).
    for (let j = j0; j < j1; j++) {
      const off = j * n + j;
      const len = n - j;
      tau[j] = makeReflector(w, off, len);
      if (tau[j] !== 0) for (let c = j + 1; c < j1; c++) applyReflector(w, off, c * n + j, len, tau[j]);
    }
    const block = makeBlock(w, n, j0, nb, tau);
    blocks.push(block);
    // Trailing update of columns j1 … m−1, rows j0 … n−1:  A₂ ← (I − V Tᵀ Vᵀ) A₂, i.e. in the
    // transposed storage W₂ ← W₂ − (W₂ V) T Vᵀ.
    const mt = m - j1;
    if (mt > 0) {
      const { len, vt, t } = block;
      const w2 = w.subarray(j1 * n + j0);
      const y = new Float64Array(mt * nb);
      const zz = new Float64Array(mt * nb);
      backend.gemm({ transA: false, transB: true, m: mt, n: nb, k: len, alpha: 1, a: w2, lda: n, b: vt, ldb: len, beta: 0, c: y, ldc: nb });
      backend.gemm({ transA: false, transB: false, m: mt, n: nb, k: nb, alpha: 1, a: y, lda: nb, b: t, ldb: nb, beta: 0, c: zz, ldc: nb });
      backend.gemm({ transA: false, transB: false, m: mt, n: len, k: nb, alpha: -1, a: zz, lda: nb, b: vt, ldb: len, beta: 1, c: w2, ldc: n });
    }
  }
  return blocks;
}

/** Column-pivoted Householder QR (dgeqp3, unblocked); returns the permutation and the taus. */
function factorPivoted(w: Float64Array, n: number, m: number): { perm: Int32Array; tau: Float64Array } {
  const r = Math.min(n, m);
  const tau = new Float64Array(r);
  const perm = new Int32Array(m);
  const vn1 = new Float64Array(m);
  const vn2 = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    perm[c] = c;
    vn1[c] = norm2(w, c * n, n);
    vn2[c] = vn1[c];
  }
  for (let j = 0; j < r; j++) {
    // Pivot: the remaining column of largest (downdated) norm.
    let p = j;
    for (let c = j + 1; c < m; c++) if (vn1[c] > vn1[p]) p = c;
    if (p !== j) {
      const rj = j * n;
      const rp = p * n;
      for (let i = 0; i < n; i++) {
        const x = w[rj + i];
        w[rj + i] = w[rp + i];
        w[rp + i] = x;
      }
      const pi = perm[p]; perm[p] = perm[j]; perm[j] = pi;
      vn1[p] = vn1[j];
      vn2[p] = vn2[j];
    }
    const off = j * n + j;
    const len = n - j;
    tau[j] = makeReflector(w, off, len);
    for (let c = j + 1; c < m; c++) {
      if (tau[j] !== 0) applyReflector(w, off, c * n + j, len, tau[j]);
      // Downdate the partial norm of column c (LAWN 176); recompute when cancellation looms.
      if (vn1[c] !== 0) {
        const ratio = Math.abs(w[c * n + j]) / vn1[c];
        let temp = 1 - ratio * ratio;
        if (temp < 0) temp = 0;
        const q = vn1[c] / vn2[c];
        if (temp * q * q <= TOL3Z) {
          vn1[c] = j + 1 < n ? norm2(w, c * n + j + 1, n - j - 1) : 0;
          vn2[c] = vn1[c];
        } else {
          vn1[c] *= Math.sqrt(temp);
        }
      }
    }
  }
  return { perm, tau };
}

/**
 * Applies Q = B₀B₁⋯ (blocks B = I − V T Vᵀ) or Qᵀ to the n×k row-major buffer `b` in place.
 * Q·b applies the last block first; Qᵀ·b applies Bᵢᵀ = I − V Tᵀ Vᵀ, first block first.
 * With `formQ`, `b` starts as [I; 0] and each block only updates columns ≥ its first index.
 */
function applyBlocks(blocks: ReflectorBlock[], b: Float64Array, k: number, transpose: boolean, formQ: boolean, backend: Backend): void {
  if (k === 0) return;
  const count = blocks.length;
  for (let s = 0; s < count; s++) {
    const block = blocks[transpose ? s : count - 1 - s];
    const { j0, nb, len, vt, t } = block;
    const c0 = formQ ? j0 : 0;
    const kk = k - c0;
    if (kk <= 0) continue;
    const b2 = b.subarray(j0 * k + c0);
    const y = new Float64Array(nb * kk);
    const z = new Float64Array(nb * kk);
    // Y = Vᵀ B₂ (nb×kk); Z = T Y or Tᵀ Y; B₂ ← B₂ − V Z.
    backend.gemm({ transA: false, transB: false, m: nb, n: kk, k: len, alpha: 1, a: vt, lda: len, b: b2, ldb: k, beta: 0, c: y, ldc: kk });
    backend.gemm({ transA: transpose, transB: false, m: nb, n: kk, k: nb, alpha: 1, a: t, lda: nb, b: y, ldb: kk, beta: 0, c: z, ldc: kk });
    backend.gemm({ transA: true, transB: false, m: len, n: kk, k: nb, alpha: -1, a: vt, lda: len, b: z, ldb: kk, beta: 1, c: b2, ldc: k });
  }
}
