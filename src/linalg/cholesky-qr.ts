/**
 * CholeskyQR2 (Fukaya, Nakatsukasa, Yanagisawa & Yamamoto, "CholeskyQR2: a simple and
 * communication-avoiding algorithm for computing a tall-skinny QR factorization", 2014): the QR
 * factorization of a tall n×l float64 panel from two rounds of G = YᵀY, R = chol(G), Y ← Y·R⁻¹ —
 * all the O(n·l²) work in GEMMs, where Householder QR (LAPACK `geqrf` + `orgqr`) spends it in
 * panel updates that run far below GEMM speed on tall-skinny shapes.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { choleskyAndInverse } from './cholesky.js';

/**
 * Largest condition number of Y that {@link choleskyQr2} accepts (estimated by the ratio of the
 * largest and smallest pivots of the first Cholesky factor). CholeskyQR2 is as orthogonal as
 * Householder QR (‖QᵀQ − I‖ = O(ε)) when κ(Y) ≲ ε^{−1/2} ≈ 6.7e7 (Yamamoto et al. 2015); 1e5 keeps a
 * wide margin (the spread of the Cholesky pivots, which bounds κ(Y) from below, is what is
 * checked). Above it the caller uses Householder QR.
 */
export const CHOLESKY_QR_MAX_COND = 1e5;

/**
 * Q (n×l, orthonormal columns) and R (l×l upper triangular, float64) with Y = Q·R, by CholeskyQR2,
 * or undefined when Y is not float64, not tall, or too ill-conditioned (see
 * {@link CHOLESKY_QR_MAX_COND}) — the caller then falls back to Householder QR.
 *
 * @example
 * ```ts
 * const f = choleskyQr2(y, backend) ?? qr(y, { backend });
 * ```
 */
export function choleskyQr2(y: Matrix, backend: Backend): { Q: Matrix; R: Matrix } | undefined {
  if (y.dtype !== 'float64' || y.rows < y.cols || y.cols === 0) return undefined;
  const f = choleskyQr2Core(y.data as Float64Array, y.rows, y.cols, false, backend);
  return f && { Q: new Matrix(y.rows, y.cols, f.q), R: f.rFactor() };
}

/**
 * {@link choleskyQr2} of a panel held by rows: given Yᵀ (l×n, float64, l ≤ n), Qᵀ (l×n, orthonormal
 * rows) and R (l×l upper triangular, formed on request by `rFactor()`) with Y = Q·R — the layout in which the products with a large
 * matrix come out fastest (`blockKrylov` keeps its blocks so). The same GEMMs with the transpose
 * flags swapped; also gives a lower bound of R's smallest singular value,
 * 1/(‖R₁⁻¹‖_F·‖R₂⁻¹‖_F) (R = R₂·R₁, the two rounds' factors), for free.
 *
 * With `work`, the two rounds write into its buffers instead of two new l×n arrays (the same
 * GEMMs, so the same bits): Qᵀ is then `work.out`, which may be Yᵀ's own storage — a panel
 * orthonormalized in place, overwritten only once both rounds are accepted (a refused Yᵀ is left
 * as it was).
 *
 * @returns undefined when CholeskyQR2 is refused (as {@link choleskyQr2}).
 * @throws {@link LowRankError} `E_SHAPE` when a `work` buffer does not hold l·n entries.
 * @example
 * ```ts
 * const f = choleskyQr2Rows(yt, backend); // f.Qt: l×n, yt = (f.Qt)ᵀ·f.R transposed
 * choleskyQr2Rows(yt, backend, { scratch, out: yt.data as Float64Array }); // Qᵀ in place of Yᵀ
 * ```
 */
export function choleskyQr2Rows(yt: Matrix, backend: Backend, work?: CholeskyQrRowsWork): { Qt: Matrix; rFactor: () => Matrix; minSingularBound: number } | undefined {
  if (yt.dtype !== 'float64' || yt.cols < yt.rows || yt.rows === 0) return undefined;
  const size = yt.rows * yt.cols;
  if (work && (work.scratch.length !== size || work.out.length !== size)) {
    throw new LowRankError('E_SHAPE', `choleskyQr2Rows: work buffers hold ${work.scratch.length} and ${work.out.length} entries, expected ${yt.rows}×${yt.cols} = ${size}`);
  }
  const f = choleskyQr2Core(yt.data as Float64Array, yt.cols, yt.rows, true, backend, work);
  return f && { Qt: new Matrix(yt.rows, yt.cols, f.q), rFactor: f.rFactor, minSingularBound: f.minSingularBound };
}

/** Buffers {@link choleskyQr2Rows} writes into instead of allocating, each l·n float64 entries. */
export interface CholeskyQrRowsWork {
  /** The first round's result (overwritten); neither `out` nor Yᵀ's storage. */
  scratch: Float64Array;
  /** Where Qᵀ is written: a buffer of its own, or Yᵀ's storage to orthonormalize in place. */
  out: Float64Array;
}

/**
 * The two rounds of CholeskyQR2 on an n×l panel Y held as `y`: row-major Y (`rows` false) or
 * row-major Yᵀ (`rows` true); Q comes back in the same layout (in `work.out` when given, the
 * first round in `work.scratch`), R = R₂·R₁ on request.
 */
function choleskyQr2Core(y: Float64Array, n: number, l: number, rows: boolean, backend: Backend, work?: CholeskyQrRowsWork): { q: Float64Array; rFactor: () => Matrix; minSingularBound: number } | undefined {
  let q = y;
  const lows: Float64Array[] = [];
  let invNorms = 1;
  const low = new Float64Array(l * l);
  const ld = rows ? n : l;
  for (let round = 0; round < 2; round++) {
    const g = new Float64Array(l * l);
    backend.gemm({ transA: !rows, transB: rows, m: l, n: l, k: n, alpha: 1, a: q, lda: ld, b: q, ldb: ld, beta: 0, c: g, ldc: l });
    // G = L·Lᵀ = RᵀR with R = Lᵀ; the pivots' spread bounds κ(Y) from below (√κ(G) ≥ it).
    const inv = choleskyAndInverse(g, l, low, backend);
    if (!inv) return undefined;
    let lo = Infinity;
    let hi = 0;
    for (let i = 0; i < l; i++) {
      lo = Math.min(lo, low[i * l + i]);
      hi = Math.max(hi, low[i * l + i]);
    }
    if (!(hi <= (round === 0 ? CHOLESKY_QR_MAX_COND : 10) * lo)) return undefined;
    // Y ← Y·R⁻¹ = Y·(L⁻¹)ᵀ, or by rows Yᵀ ← L⁻¹·Yᵀ.
    invNorms *= Math.sqrt(backend.sumSquares(inv));
    // Round 1 never writes to y (which may be work.out): a refusal in round 2 leaves Y as it was.
    const next = work ? (round === 0 ? work.scratch : work.out) : new Float64Array(n * l);
    if (rows) backend.gemm({ transA: false, transB: false, m: l, n, k: l, alpha: 1, a: inv, lda: l, b: q, ldb: n, beta: 0, c: next, ldc: n });
    else backend.gemm({ transA: false, transB: true, m: n, n: l, k: l, alpha: 1, a: q, lda: l, b: inv, ldb: l, beta: 0, c: next, ldc: l });
    q = next;
    lows.push(low.slice());
  }
  // R = R₂·R₁ with Rᵢ = Lᵢᵀ.
  const upper = (low: Float64Array): Float64Array => {
    const rr = new Float64Array(l * l);
    for (let i = 0; i < l; i++) for (let j = i; j < l; j++) rr[i * l + j] = low[j * l + i];
    return rr;
  };
  return { q, rFactor: () => new Matrix(l, l, upperProduct(upper(lows[1]), upper(lows[0]), l)), minSingularBound: 1 / invNorms };
}

/** A·B for l×l upper triangular A and B, row-major. */
function upperProduct(a: Float64Array, b: Float64Array, l: number): Float64Array {
  const c = new Float64Array(l * l);
  for (let i = 0; i < l; i++) for (let j = i; j < l; j++) {
    let s = 0;
    for (let p = i; p <= j; p++) s += a[i * l + p] * b[p * l + j];
    c[i * l + j] = s;
  }
  return c;
}
