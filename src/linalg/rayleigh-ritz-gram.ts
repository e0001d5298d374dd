/**
 * Rayleigh–Ritz from the eigenpairs of the Gram matrix ZᵀZ (the ones the adaptive block Krylov
 * stop has already computed, or one small GEMM and eigensolve after a fixed count), instead of
 * factoring Z.
 *
 * @module
 */
import { Matrix, type FloatArray } from '../core/matrix.js';
import type { Backend } from '../backend/backend.js';
import { eigenRowsInPlace } from './eigh.js';
import { dtypeEpsilon } from './tolerance.js';

/**
 * The Gram path is taken only when σ̂_k ≥ this fraction of σ̂₁. Squaring costs accuracy relative to
 * the largest value: eigenvalues of ZᵀZ carry an absolute error ≈ ε·σ̂₁², so σ̂ᵢ has a relative
 * error ≈ ε·(σ̂₁/σ̂ᵢ)² and the left vectors Z·vᵢ/σ̂ᵢ lose orthogonality by about as much: at a
 * ratio of 1e−2 that is ≈ 2e−12, at the level of the QR path's rounding on these sizes. Below it
 * (rank-deficient input, steep spectra) the caller factors Z as usual.
 */
export const GRAM_RITZ_MIN_RATIO = 1e-2;

/**
 * Smallest σ̂₁² for which {@link rayleighRitzFromGram} reads the SVD off the Gram matrix: below it
 * (entries of op(A)ᵀ·K under ≈ 1e−135) the products that make the Gram matrix fall towards the
 * subnormal range and lose digits, and the caller factors Z as usual.
 */
export const GRAM_RITZ_MIN_TOP = 2 ** -900;

/** The eigenpairs of a Gram matrix ZᵀZ as {@link ritzGram} computes them. */
export interface RitzGram {
  /** The L eigenvalues, ascending: the squared Ritz values σ̂². */
  values: Float64Array;
  /** L×L row-major, row i a unit eigenvector of values[i] (signs as the eigensolver leaves them). */
  vectorRows: Float64Array;
}

/**
 * The eigenpairs of the Gram matrix ZᵀZ of Z = op(A)ᵀ·K's first `cols` columns, given by rows
 * (Zᵀ, L×m, any float dtype): one GEMM of m·cols² flops in float64 and a cols×cols symmetric
 * eigensolve (LAPACK `dsyevd` on the native tier, Jacobi otherwise). The eigenvalues are the
 * squared Ritz values of those columns of the basis. The matrix is solved as c·ZᵀZ, c a power of
 * two that brings its largest diagonal entry near 1 (exact, and the eigensolver's own squares stay
 * in range for tiny or huge data). Undefined when the squares leave float64's range (entries
 * beyond ≈ 1e154) or fall below {@link GRAM_RITZ_MIN_TOP} while Z is not zero (entries below
 * ≈ 1e−135, whose products lose digits to subnormals): checked on the diagonal, ‖zᵢ‖², which
 * bounds every entry of a Gram matrix. The caller then factors Z instead.
 *
 * @example
 * ```ts
 * const gram = ritzGram(basis.Zt, basis.Zt.rows, backend); // gram.values: σ̂², ascending
 * ```
 */
export function ritzGram(Zt: Matrix, cols: number, backend: Backend): RitzGram | undefined {
  const m = Zt.cols;
  const head = Zt.data.subarray(0, cols * m);
  let top = 0;
  for (let i = 0; i < cols; i++) {
    const d = backend.sumSquares(head.subarray(i * m, (i + 1) * m));
    if (!(d <= Number.MAX_VALUE)) return undefined;
    top = Math.max(top, d);
  }
  // Squares in the subnormal range (or flushed to 0 from non-zero entries) have lost their digits.
  if (top < GRAM_RITZ_MIN_TOP && (top > 0 || head.some((v) => v !== 0))) return undefined;
  const c = top > 0 ? 2 ** -Math.round(Math.log2(top)) : 1;
  const z = head instanceof Float64Array ? head : Float64Array.from(head);
  const g = new Float64Array(cols * cols);
  backend.gemm({ transA: false, transB: true, m: cols, n: cols, k: m, alpha: c, a: z, lda: m, b: z, ldb: m, beta: 0, c: g, ldc: cols });
  const values = new Float64Array(cols);
  eigenRowsInPlace(g, cols, values, backend);
  if (c !== 1) for (let i = 0; i < cols; i++) values[i] /= c;
  return { values, vectorRows: g };
}

/**
 * Rayleigh–Ritz on an orthonormal basis K (n×L) given Z = op(A)ᵀ·K (m×L), both held by rows
 * (Kᵀ, Zᵀ), and the eigenpairs of ZᵀZ ({@link ritzGram}) = Vz·Σ²·Vzᵀ: op(A) ≈ K·Kᵀ·op(A) = K·Zᵀ =
 * (K·Vz)·Σ·(Z·Vz·Σ⁻¹)ᵀ (Halko et al. 2011, Alg. 5.1, with the SVD of Z read off its Gram matrix).
 * Returns the rank-`count` factors of A itself — U = K·Vz and Vᵀ = Σ⁻¹·Vzᵀ·Zᵀ when op(A) = A, or
 * U = Z·Vz·Σ⁻¹ and Vᵀ = Vzᵀ·Kᵀ when op(A) = Aᵀ (`transposed`), float64 — with all L values σ̂
 * descending; or undefined when σ̂_count < {@link GRAM_RITZ_MIN_RATIO}·σ̂₁ or σ̂₁² < {@link GRAM_RITZ_MIN_TOP}
 * (the caller then factors Z). The trailing values below √(L·ε)·σ̂₁, where squaring leaves only rounding, are reported as 0,
 * which keeps each a lower bound of its singular value.
 *
 * Cost: two GEMMs (n·L·count and m·L·count flops) instead of a QR of Z, an L×L SVD and the
 * product with Q.
 *
 * @example
 * ```ts
 * const basis = blockKrylovRows(a, 40, 4, { tolRitz: 2e-4, wanted: 20 });
 * const f = basis.gram && rayleighRitzFromGram(basis.Kt, basis.Zt, basis.gram, 20, false, getBackend());
 * ```
 */
export function rayleighRitzFromGram(Kt: Matrix, Zt: Matrix, gram: RitzGram, count: number, transposed: boolean, backend: Backend): { U: Matrix; S: Float64Array; Vt: Matrix } | undefined {
  const L = Kt.rows;
  const w = gram.values; // ascending
  if (w.length !== L || count > L) return undefined;
  const top = Math.max(0, w[L - 1]);
  const kth = w[L - count];
  if (!(top >= GRAM_RITZ_MIN_TOP) || !(kth >= GRAM_RITZ_MIN_RATIO * GRAM_RITZ_MIN_RATIO * top)) return undefined;
  const S = new Float64Array(L);
  const floor = L * dtypeEpsilon('float64') * top;
  for (let i = 0; i < L; i++) {
    const v = w[L - 1 - i];
    S[i] = v > floor ? Math.sqrt(v) : 0;
  }
  // The `count` leading eigenvectors, descending, as an L×count matrix in K's and Z's dtype (Vz).
  // In float64 also Vz·Σ⁻¹ for Z's side (S[j] ≥ 1e−2·σ̂₁ ≥ 2⁻⁴⁵⁷ for j < count by the checks above,
  // so 1/S[j] is finite): Σ⁻¹ rides on the small matrix instead of a pass over the count×N result.
  // In float32, 1/S[j] may leave float32's range: Σ⁻¹ is applied to the float64 result instead.
  const fold = Kt.dtype === 'float64';
  const vz = fold ? new Float64Array(L * count) : new Float32Array(L * count);
  const vzs = fold ? new Float64Array(L * count) : vz;
  const ev = gram.vectorRows;
  for (let j = 0; j < count; j++) {
    const row = (L - 1 - j) * L;
    const inv = 1 / S[j];
    for (let r = 0; r < L; r++) {
      vz[r * count + j] = ev[row + r];
      if (fold) vzs[r * count + j] = ev[row + r] * inv;
    }
  }
  // Xᵀ·V (N×count) or Vᵀ·Xᵀ (count×N) for a basis held by rows (Xᵀ, L×N), in float64.
  const product = (xt: Matrix, tall: boolean, vz: FloatArray): Matrix => {
    const N = xt.cols;
    const out = tall ? Matrix.zeros(N, count, xt.dtype) : Matrix.zeros(count, N, xt.dtype);
    if (tall) backend.gemm({ transA: true, transB: false, m: N, n: count, k: L, alpha: 1, a: xt.data, lda: N, b: vz, ldb: count, beta: 0, c: out.data, ldc: count });
    else backend.gemm({ transA: true, transB: false, m: count, n: N, k: L, alpha: 1, a: vz, lda: count, b: xt.data, ldb: N, beta: 0, c: out.data, ldc: N });
    return out.dtype === 'float64' ? out : out.astype('float64');
  };
  const left = product(Kt, !transposed, vz); // K·Vz, or its transpose
  const right = product(Zt, transposed, vzs); // Z·Vz·Σ⁻¹, or its transpose
  if (!fold) {
    const d = right.data;
    if (transposed) for (let i = 0; i < right.rows; i++) for (let j = 0; j < count; j++) d[i * count + j] /= S[j];
    else for (let j = 0; j < count; j++) for (let i = j * right.cols, e = i + right.cols; i < e; i++) d[i] /= S[j];
  }
  return transposed ? { U: right, S, Vt: left } : { U: left, S, Vt: right };
}
