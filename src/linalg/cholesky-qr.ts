/**
 * CholeskyQR2 (Fukaya, Nakatsukasa, Yanagisawa & Yamamoto, "CholeskyQR2: a simple and
 * communication-avoiding algorithm for computing a tall-skinny QR factorization", 2014): the QR
 * factorization of a tall n×l float64 panel from two rounds of G = YᵀY, R = chol(G), Y ← Y·R⁻¹ —
 * all the O(n·l²) work in GEMMs, where Householder QR (LAPACK `geqrf` + `orgqr`) spends it in
 * panel updates that run far below GEMM speed on tall-skinny shapes.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { cholesky, lowerInverse } from './cholesky.js';

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
  const n = y.rows;
  const l = y.cols;
  if (y.dtype !== 'float64' || n < l || l === 0) return undefined;
  let q = y;
  let r: Float64Array | undefined;
  const low = new Float64Array(l * l);
  for (let round = 0; round < 2; round++) {
    const g = new Float64Array(l * l);
    backend.gemm({ transA: true, transB: false, m: l, n: l, k: n, alpha: 1, a: q.data, lda: l, b: q.data, ldb: l, beta: 0, c: g, ldc: l });
    // G = L·Lᵀ = RᵀR with R = Lᵀ; the pivots' spread bounds κ(Y) from below (√κ(G) ≥ it).
    if (!cholesky(g, l, 0, low)) return undefined;
    let lo = Infinity;
    let hi = 0;
    for (let i = 0; i < l; i++) {
      lo = Math.min(lo, low[i * l + i]);
      hi = Math.max(hi, low[i * l + i]);
    }
    if (!(hi <= (round === 0 ? CHOLESKY_QR_MAX_COND : 10) * lo)) return undefined;
    // Y ← Y·R⁻¹ = Y·(L⁻¹)ᵀ.
    const next = Matrix.zeros(n, l);
    backend.gemm({ transA: false, transB: true, m: n, n: l, k: l, alpha: 1, a: q.data, lda: l, b: lowerInverse(low, l), ldb: l, beta: 0, c: next.data, ldc: l });
    q = next;
    const rr = new Float64Array(l * l);
    for (let i = 0; i < l; i++) for (let j = i; j < l; j++) rr[i * l + j] = low[j * l + i];
    r = r ? upperProduct(rr, r, l) : rr;
  }
  return { Q: q, R: new Matrix(l, l, r as Float64Array) };
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
